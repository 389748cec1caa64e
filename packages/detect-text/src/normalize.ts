/**
 * Text normalisation for detection.
 *
 * Contract: `normalizeText(text)` returns lower-case ASCII text in which evasions that people use
 * to slip past keyword filters are undone, so that one lexicon matches them all:
 * - Unicode compatibility forms (full-width, mathematical letters), diacritics and common
 *   Cyrillic/Greek confusables fold to Latin letters ("ѕnаp", "𝓼𝓷𝓪𝓹", "años" -> "anos");
 * - emoji that stand for words become those words ("👻" -> "snapchat", "📸" -> "photo");
 * - leetspeak inside words folds back ("d1sc0rd", "sn@p"), but numbers stay numbers ("13", "i'm 13");
 * - letter-by-letter spacing joins ("d i s c o r d", "s.n.a.p", "5 5 5 1 2 3 4");
 * - number words become digits in English, Spanish and German ("five five five" -> "555",
 *   "twenty five" -> "25", "catorce" -> "14", "fünfzehn" -> "15");
 * - apostrophes vanish ("don't" -> "dont") and whitespace collapses to single spaces.
 * Only the first `maxChars` characters are read, so a 1 MiB message costs the same as a long one.
 * Never throws: lone surrogates and control characters become spaces.
 */

/** Default bound on the characters of one message that are scored. */
export const DEFAULT_MAX_SCORED_CHARS = 8192;

// Letters that look Latin but are not (Cyrillic, Greek, IPA). Only the common look-alikes: the
// goal is to undo deliberate evasion, not to transliterate scripts.
const CONFUSABLES: Record<string, string> = {
  а: 'a', в: 'b', е: 'e', ё: 'e', к: 'k', м: 'm', н: 'h', о: 'o', р: 'p', с: 'c', т: 't', у: 'y',
  х: 'x', ѕ: 's', і: 'i', ї: 'i', ј: 'j', ԁ: 'd', ԛ: 'q', ԝ: 'w', һ: 'h', ӏ: 'l', ɡ: 'g', ɑ: 'a',
  α: 'a', β: 'b', ε: 'e', η: 'n', ι: 'i', κ: 'k', ν: 'v', ο: 'o', ρ: 'p', τ: 't', υ: 'u', χ: 'x',
  ω: 'w', ς: 's', σ: 'o', ß: 'ss', æ: 'ae', ø: 'o', œ: 'oe', ł: 'l', đ: 'd', ı: 'i', ʀ: 'r', ᴀ: 'a',
  ʙ: 'b', ᴄ: 'c', ᴅ: 'd', ᴇ: 'e', ɢ: 'g', ʜ: 'h', ɪ: 'i', ᴊ: 'j', ᴋ: 'k', ʟ: 'l', ᴍ: 'm', ɴ: 'n',
  ᴏ: 'o', ᴘ: 'p', ꜱ: 's', ᴛ: 't', ᴜ: 'u', ᴠ: 'v', ᴡ: 'w', ʏ: 'y', ᴢ: 'z', '’': '', '‘': '', '＇': '',
};

// Emoji used as words. Platform logos matter most (the ghost is Snapchat's); the rest carry the
// tactic categories the lexicon looks for. Unlisted emoji become spaces.
const EMOJI_WORDS: Record<string, string> = {
  '👻': 'snapchat', '📸': 'photo', '📷': 'photo', '🤳': 'selfie', '🎥': 'video', '📹': 'video',
  '📞': 'call', '☎': 'call', '📱': 'phone', '📲': 'phone', '🤫': 'secret', '🤐': 'secret',
  '🎁': 'gift', '💰': 'money', '💵': 'money', '💸': 'money', '💳': 'card', '💎': 'gems',
  '😘': 'kiss', '💋': 'kiss', '😍': 'cute', '🥰': 'cute', '🔥': 'hot', '🍑': 'sexy', '🍆': 'sexy',
  '💦': 'sexy', '😈': 'naughty', '🔞': 'sexy', '🏠': 'home', '🚗': 'car', '📍': 'location',
  '🗑': 'delete', '❤': 'love', '💕': 'love', '💖': 'love', '♥': 'love', '🎮': 'game', '👙': 'bikini',
  '🛏': 'bed', '🚿': 'shower', '🙈': '', '✉': 'message', '📧': 'email', '👀': '', '🎂': 'birthday',
};

// Keycap digits (1️⃣) are a digit followed by U+FE0F U+20E3; NFKD leaves them, so drop the marks.
const KEYCAP = /[\uFE0F\u20E3\u200B-\u200D\u2060\uFEFF]/g;
// eslint-disable-next-line no-control-regex -- the ASCII range is the point of this test
const NON_ASCII = /[^\x00-\x7f]/;
// eslint-disable-next-line no-control-regex -- control characters are what this finds
const APOS_OR_CONTROL = /['`´\x00-\x1f\x7f]/;
const SPACE_RUN = /\s\s|^\s|\s$|[\t\n\r\f\v\u00a0]/;
const COMBINING = /[\u0300-\u036f]/g;
const EMOJI = /\p{Extended_Pictographic}/gu;
const LEET_CANDIDATE = /[a-z][0-9@$!|+][a-z0-9@$!|+]*[a-z]/;
const LEET_CHARS: Record<string, string> = {
  '0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '9': 'g', '@': 'a', $: 's', '!': 'i', '|': 'l', '+': 't',
};
const UNITS_EN: Record<string, number> = {
  zero: 0, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9,
  ten: 10, eleven: 11, twelve: 12, thirteen: 13, fourteen: 14, fifteen: 15, sixteen: 16,
  seventeen: 17, eighteen: 18, nineteen: 19,
  // Spanish ("once" is left out: it is an everyday English word).
  cero: 0, uno: 1, dos: 2, tres: 3, cuatro: 4, cinco: 5, seis: 6, siete: 7, ocho: 8, nueve: 9,
  diez: 10, doce: 12, trece: 13, catorce: 14, quince: 15, dieciseis: 16, diecisiete: 17,
  dieciocho: 18, diecinueve: 19, veinte: 20, veintiuno: 21, veintidos: 22, veintitres: 23,
  veinticuatro: 24, veinticinco: 25, veintiseis: 26, veintisiete: 27, veintiocho: 28, veintinueve: 29,
  // German, after diacritics are folded ("fünf" -> "funf"); "elf" and "null" are left out as
  // everyday words in English and German chat.
  eins: 1, zwei: 2, drei: 3, vier: 4, funf: 5, sechs: 6, sieben: 7, acht: 8, neun: 9, zehn: 10,
  zwolf: 12, dreizehn: 13, vierzehn: 14, funfzehn: 15, sechzehn: 16, siebzehn: 17, achtzehn: 18,
  neunzehn: 19,
};
const TENS: Record<string, number> = {
  twenty: 20, thirty: 30, forty: 40, fifty: 50, sixty: 60, seventy: 70, eighty: 80, ninety: 90,
  treinta: 30, cuarenta: 40, cincuenta: 50, sesenta: 60,
  zwanzig: 20, dreissig: 30, vierzig: 40, funfzig: 50, sechzig: 60,
};
const NUMBER_WORD = new RegExp(
  `\\b(?:(${Object.keys(TENS).join('|')})(?:[ -]?(?:y |und )?(${Object.keys(UNITS_EN).filter((k) => (UNITS_EN[k] ?? 0) < 10 && (UNITS_EN[k] ?? 0) > 0).join('|')}))?|(${Object.keys(UNITS_EN).join('|')})(?:und(${Object.keys(TENS).join('|')}))?)\\b`,
  'g',
);
// Three or more single letters or digits separated by one space or punctuation mark.
// The same pattern without the global flag, as a cheap test before the rewrite.
const NUMBER_HINT = new RegExp(NUMBER_WORD.source);
const SPACED = /(?:^|(?<=\s))(?:[a-z0-9][ .\-_*~,]){2,}[a-z0-9](?=\s|$|[?!])/g;
const DIGIT_GROUPS = /\b\d{1,4}(?:[ .-]\d{1,4}){2,}\b/g;

function foldNonAscii(text: string): string {
  let out = text.normalize('NFKD').replace(COMBINING, '');
  if (!NON_ASCII.test(out)) return out;
  out = out.replace(KEYCAP, '').replace(EMOJI, (e) => ` ${EMOJI_WORDS[e] ?? ''} `);
  let folded = '';
  for (const ch of out) {
    const code = ch.codePointAt(0) ?? 32;
    if (code < 128) folded += ch;
    else {
      const lower = ch.toLowerCase();
      folded += CONFUSABLES[lower] ?? (/[\u00a1\u00bf]/.test(ch) ? ' ' : ' ');
    }
  }
  return folded;
}

function unLeet(word: string): string {
  // Only letters inside a word that already has two real letters, and only between letter-like
  // characters: "d1sc0rd" -> "discord", while "13", "i'm13", "b4" and "+4915" stay as they are.
  let letters = 0;
  for (let i = 0; i < word.length; i += 1) {
    const c = word.charCodeAt(i);
    if (c >= 97 && c <= 122) letters += 1;
  }
  if (letters < 2) return word;
  const chars = word.split('');
  const isLetterLike = (ch: string | undefined): boolean =>
    ch !== undefined && ((ch >= 'a' && ch <= 'z') || LEET_CHARS[ch] !== undefined);
  for (let i = 1; i < chars.length - 1; i += 1) {
    const ch = chars[i] ?? '';
    const mapped = LEET_CHARS[ch];
    if (mapped !== undefined && isLetterLike(chars[i - 1]) && isLetterLike(chars[i + 1])) chars[i] = mapped;
  }
  // A trailing leet letter after a run of real letters ("sn4p" handled above; "pic5" left alone).
  return chars.join('');
}

function numberWords(text: string): string {
  return text.replace(NUMBER_WORD, (match, tens: string | undefined, unit: string | undefined, single: string | undefined, undTens: string | undefined) => {
    if (tens !== undefined) return String((TENS[tens] ?? 0) + (unit !== undefined ? (UNITS_EN[unit] ?? 0) : 0));
    if (single !== undefined) {
      const base = UNITS_EN[single] ?? 0;
      return String(undTens !== undefined ? (TENS[undTens] ?? 0) + base : base);
    }
    return match;
  });
}

/**
 * Normalises one message for matching and features. Pure and total: any string in, ASCII out.
 */
export function normalizeText(input: string, maxChars: number = DEFAULT_MAX_SCORED_CHARS): string {
  let text = input.length > maxChars ? input.slice(0, maxChars) : input;
  text = text.toLowerCase();
  if (NON_ASCII.test(text)) text = foldNonAscii(text);
  // Apostrophes join words ("don't" -> "dont"); other control characters become spaces. Each
  // rewrite is guarded by a cheap test: most chat messages need none of them.
  // eslint-disable-next-line no-control-regex -- control characters become spaces
  if (APOS_OR_CONTROL.test(text)) text = text.replace(/['`´]/g, '').replace(/[\x00-\x1f\x7f]/g, ' ');
  if (/[a-z]/.test(text) && /\d|[@$!|+]/.test(text) && LEET_CANDIDATE.test(text)) {
    text = text.replace(/[a-z0-9@$!|+]{3,}/g, (w: string, offset: number, whole: string) => {
      // "name@example.com" is an e-mail address, not leetspeak: leave it for the contact detector.
      if (w.includes('@') && whole.charAt(offset + w.length) === '.') return w;
      return LEET_CANDIDATE.test(w) ? unLeet(w) : w;
    });
  }
  if (NUMBER_HINT.test(text)) text = numberWords(text);
  if (SPACE_RUN.test(text)) text = text.replace(/\s+/g, ' ').trim();
  if (SPACED.test(text)) {
    SPACED.lastIndex = 0;
    text = text.replace(SPACED, (run) => {
      // "u r a" and "r u a" are chat words, not a spelled-out name: join three single letters only
      // when they are separated by punctuation ("k.i.k") or include a digit.
      const singles = (run.length + 1) / 2;
      if (singles < 4 && !/\d/.test(run) && !/[.\-_*~]/.test(run)) return run;
      return run.replace(/[ .\-_*~,]/g, '');
    });
  }
  SPACED.lastIndex = 0;
  // Phone-number digit groups "555 123 4567" / "555-1234-99" become one digit run.
  if (/\d[ .-]\d/.test(text)) text = text.replace(DIGIT_GROUPS, (g) => g.replace(/[ .-]/g, ''));
  return text;
}

const TOKEN = /[a-z0-9]+/g;

/** Splits normalised text into word tokens (letters and digits). */
export function tokenize(normalized: string): string[] {
  return normalized.match(TOKEN) ?? [];
}
