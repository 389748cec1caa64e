/**
 * Each tactic is found in English, Spanish and German, including obfuscated forms, and common
 * look-alikes are not. Examples are written for the project.
 */
import { describe, expect, it } from 'vitest';
import { extractMessageSignals, normalizeText, type SignalType } from '../src/index.js';

const sig = (text: string) => extractMessageSignals(normalizeText(text));

const POSITIVE: [SignalType, string][] = [
  ['age-probe', 'how old r u?'],
  ['age-probe', 'asl'],
  ['age-probe', '¿Cuántos años tienes?'],
  ['age-probe', 'Wie alt bist du?'],
  ['age-disclosure', 'im 13 lol'],
  ['age-disclosure', 'tengo 12 años'],
  ['age-disclosure', 'ich bin 14'],
  ['off-platform-move', 'add me on d i s c o r d'],
  ['off-platform-move', 'whats ur snap'],
  ['off-platform-move', 'text me five five five one two three four'],
  ['off-platform-move', 'mail me: kid.gamer at gmail dot com'],
  ['off-platform-move', 'pásame tu número'],
  ['off-platform-move', 'hast du whatsapp?'],
  ['off-platform-move', '👻?'],
  // An unnamed other app is still a move off the platform.
  ['off-platform-move', 'add me on the other app its easier'],
  ['off-platform-move', 'hablemos en la otra app'],
  ['off-platform-move', 'schreib mir auf der anderen App'],
  ['secrecy', 'dont tell your parents'],
  ['secrecy', 'delete our chats after'],
  ['secrecy', 'no se lo digas a nadie'],
  ['secrecy', 'das ist unser kleines Geheimnis'],
  ['isolation-probe', 'are your parents home?'],
  ['isolation-probe', 'r u home alone'],
  ['isolation-probe', '¿Estás sola en casa?'],
  ['isolation-probe', 'bist du allein?'],
  ['isolation-probe', 'your parents dont understand you'],
  ['media-request', 'send me a pic'],
  ['media-request', 'turn on ur cam'],
  ['media-request', 'mándame una foto'],
  ['media-request', 'schick mir ein Bild'],
  ['media-request', 's3nd a p1c'],
  ['meeting', 'wanna meet up this weekend?'],
  ['meeting', 'i can pick you up after school'],
  ['meeting', '¿dónde vives?'],
  ['meeting', 'wo wohnst du?'],
  ['gift-offer', 'ill get you robux'],
  ['gift-offer', 'free vbucks'],
  ['gift-offer', 'te regalo pavos'],
  ['gift-offer', 'ich kaufe dir skins'],
  ['flattery', 'youre so mature for your age'],
  ['flattery', 'eres muy madura para tu edad'],
  ['flattery', 'du bist so reif für dein alter'],
  ['sexualisation', 'what are you wearing'],
  ['threat', 'ill send them to everyone in your class'],
  ['threat', 'si no me mandas más fotos'],
  ['threat', 'sonst zeige ich sie deinen eltern'],
  ['age-peer-impersonation', 'im 14 too'],
  ['age-peer-impersonation', 'age is just a number'],
  ['age-peer-impersonation', 'yo también tengo 13'],
  // Phrasings found missing on the third development batch (written by a different author).
  ['isolation-probe', 'does your mom or dad read through your messages on here?'],
  ['isolation-probe', 'dm me after your parents go to bed'],
  ['isolation-probe', 'gucken deine eltern eigentlich auf dein handy?'],
  ['secrecy', 'no need to mention it at home'],
  ['secrecy', "tell her you're at amy's"],
  ['secrecy', 'bleibt unter uns, ja?'],
  ['secrecy', 'lets keep our talks private'],
  ['age-probe', '¿cuántos años tenés?'],
  ['age-probe', 'bist du in der 5.?'],
  ['off-platform-move', 'i made a channel only you and i can see'],
  ['off-platform-move', 'agendame en whatsapp'],
  ['off-platform-move', 'schreib mir privat'],
  ['flattery', 'du bist echt fix für dein alter'],
  ['threat', '200 euro bis morgen, sonst kriegen deine klassenkameraden sie'],
  ['meeting', 'come alone, dont bring anyone'],
  ['threat', 'du weißt dass ich das bild noch hab oder'],
  ['threat', 'i have screenshots of your followers list'],
  ['off-platform-move', 'this app blocks links & numbers so annoying'],
  ['secrecy', "don't mention the top to your dad"],
];

describe('extractMessageSignals', () => {
  it.each([
    ['Happy birthday my darling boy!! 10 years old!! I cant believe it', null],
    ['you just turned 13, wow', null],
    ['my son is 12 yo', null],
    ['im 13 lol', 13],
    ['13/f', 13],
    ['just turned 14 yesterday', 14],
  ] as const)('reads "%s" as the speaker\'s own age: %s', (text, age) => {
    expect(sig(text).disclosedAge).toBe(age);
  });

  it('names a relative without a possessive as a kin reference, not "your mum"', () => {
    expect(sig('Grandad wants to see it').cues).toContain('kin-reference');
    expect(sig("it's mum's birthday on saturday").cues).toContain('kin-reference');
    expect(sig('is your mum home').cues).not.toContain('kin-reference');
    expect(sig('dont tell dad i dented the car').cues).toContain('kin-reference');
    expect(sig('dont tell your dad').cues).not.toContain('kin-reference');
    expect(sig('dad we know what ur car looks like').cues).toContain('family-context');
    expect(sig('ya lo séee mamá').cues).toContain('family-context');
    expect(sig("yeah dad won't top it up").cues).not.toContain('family-context');
    expect(sig('surprise party for your mum on saturday').cues).toContain('third-party-surprise');
    expect(sig("it's mum's birthday and it's a surprise, don't tell her").cues).toContain('third-party-surprise');
    expect(sig("it's a surprise between you and me").cues).not.toContain('third-party-surprise');
    expect(sig('im at the park with my mum').cues).not.toContain('family-context');
  });

  it.each(POSITIVE)('%s in "%s"', (type, text) => {
    expect(sig(text).types).toContain(type);
  });

  it.each([
    'im 5 min away',
    'u r a star',
    'that was a great game',
    'du bist so reif für dein alter',
  ])('no age probe in "%s"', (text) => {
    expect(sig(text).types).not.toContain('age-probe');
  });

  it('returns the stated age and the kind of contact detail', () => {
    expect(sig('im 13 btw').disclosedAge).toBe(13);
    expect(sig('i am twenty five').disclosedAge).toBe(25);
    expect(sig('im 5 min away').disclosedAge).toBeNull();
    expect(sig('call me 5551234567').contact).toBe('phone');
    expect(sig('raidlead#4821').contact).toBe('handle');
    expect(sig('bob@example.com').contact).toBe('email');
  });

  it('finds family and supervision cues, which are not risk signals', () => {
    expect(sig('ok mum love you').cues).toContain('family-context');
    expect(sig('gracias abuela').cues).toContain('family-context');
    expect(sig('parents are cc’d on this thread').cues).toContain('supervision-present');
    expect(sig('ok mum love you').types).toEqual([]);
  });
});
