/**
 * The behaviour lexicon: patterns for grooming tactics in English, Spanish and German, matched
 * against text already passed through `normalizeText` (lower-case ASCII, diacritics folded,
 * apostrophes removed, number words as digits, leetspeak and spacing undone).
 *
 * Contract: each pattern names one tactic (a `SignalType`) and fires at most once per message.
 * Patterns are written from published descriptions of grooming stages (trust, isolation, secrecy,
 * moving off-platform, image requests, meetings, coercion), not mined from the training data, so
 * that they transfer to platforms and eras the training data never saw. Context cues
 * (`family-context`, `supervision-present`) lower risk: they are not signals of harm.
 */

/** Risk signals, one per grooming tactic. Stable kebab-case ids: they appear in alerts and APIs. */
export const SIGNAL_TYPES = [
  'age-probe',
  'age-disclosure',
  'off-platform-move',
  'secrecy',
  'isolation-probe',
  'media-request',
  'meeting',
  'gift-offer',
  'flattery',
  'sexualisation',
  'threat',
  'age-peer-impersonation',
] as const;
export type SignalType = (typeof SIGNAL_TYPES)[number];

/** Cues that make a benign reading likelier; they lower risk and are never reported as signals. */
// `kin-reference` is a family member named without a possessive ("mum has the code", "grandad wants
// to see it"): how relatives talk to a child of their own family. It counts only when an adult
// account says it (grooming.ts), because children say "mum says" to anyone.
// `third-party-surprise`: the secret is a present or party for someone else ("surprise party for your
// mum"), the commonest innocent reason an adult asks a child to keep a secret.
export const CONTEXT_CUES = ['family-context', 'supervision-present', 'kin-reference', 'third-party-surprise'] as const;
export type ContextCue = (typeof CONTEXT_CUES)[number];

const YOU = '(?:you|u|ya|yu|yall)';
const YOUR = '(?:your|ur|yur|yo)';
const ARE = '(?:are|r|re)';
const PARENT = '(?:(?:mom|mum) (?:or|and|n|&) dad|dad (?:or|and|n|&) (?:mom|mum)|mom|mum|mommy|mother|dad|father|parents|parent|folks|family|step ?dad|step ?mom)';
const MEDIA = '(?:pic|pics|pix|picture|pictures|photo|photos|selfie|selfies|vid|vids|video|videos|nude|nudes|image|images|snap|snaps)';
const APPS =
  '(?:snapchat|snap|sc|discord|disc|telegram|tg|whatsapp|whatsap|whats app|wa|kik|instagram|insta|ig|skype|wickr|viber|wechat|signal|facetime|tiktok|yahoo|ym|msn|aim|myspace|icq|line|threema|session|element|teams|hangouts|messenger|fb|facebook|xbox|psn|steam|twitter|x)';
const STRONG_APPS =
  '(?:snapchat|discord|telegram|whatsapp|whatsap|kik|instagram|insta|skype|wickr|viber|wechat|threema|yahoo messenger|facetime|myspace)';
const CURRENCY =
  '(?:robux|vbucks|v bucks|vbuck|gems|coins|skins?|nitro|battle ?pass|minecoins|diamonds|pavos|credits|primogems|tokens)';

const alt = (...parts: string[]): string => parts.join('|');
// A kin word at the end of a message is an address ("i know mum") unless something owns it or
// leads to it ("with my mum", "a mi mamá", "zu meiner Oma"). Every language's alternatives end up
// in one RegExp, so the exclusions cover all three.
// The check runs after the kin word has matched (a look-behind placed first would run at every
// position of every message).
const NOT_POSSESSED =
  '(?<!\\b(?:my|your|ur|yo|his|her|their|the|a|ya|with|to|and|for|tell|ask|mi|tu|su|la|el|con|y|de|para|meine|mein|deine|dein|seine|ihre|die|der|mit|und|zu|fur) [a-z]+)';
/** The same for a relative named with or without "your": "mum says" counts, "your mum says" does not. */
const OWNED = (owners: string): string => `(?<!\\b(?:${owners}) [a-z]+)`;
const OWNED2 = (owners: string): string => `(?<!\\b(?:${owners}) [a-z]+ [a-z0-9_]+)`;

/** Source text of each tactic's pattern, by language; joined into one RegExp per tactic. */
export const LEXICON: Record<SignalType | ContextCue, { en: string[]; es: string[]; de: string[] }> = {
  'age-probe': {
    en: [
      `how old ${ARE} ${YOU}`,
      `hw old ${ARE} ${YOU}`,
      `how old ${YOU}`,
      'how old(?: ?\\?|$)',
      `(?:whats|what is|wats|wuts) ${YOUR} age`,
      'asl',
      'a/s/l',
      `${ARE} ${YOU} (?:over|under) 1\\d`,
      `(?:what|which|wat) grade ${ARE}? ?${YOU}`,
      `(?:what|which) year ${ARE} ${YOU} in`,
      `${ARE} ${YOU} (?:in|still in) (?:middle|high|elementary|primary) school`,
      `(?:when|what) (?:is|s) ${YOUR} (?:birthday|bday)`,
      `${ARE} ${YOU} (?:1\\d|a minor|underage|legal)\\b`,
      `${YOU} (?:1\\d|a minor|underage|legal) \\?`,
    ],
    es: ['cuantos anos (?:tienes|tenes|tiene)', 'que edad (?:tienes|tenes)', 'cual es tu edad', 'cuantos tienes', 'en que (?:curso|grado) (?:estas|vas)', 'eres menor', '(?:estas|vas) en (?:\\d|primero|segundo|tercero|sexto|quinto)'],
    de: ['wie alt bist (?:du|u)', '(?:was|wie) ist dein alter', 'in welche(?:r)? klasse (?:gehst|bist) du', 'bist du (?:schon )?(?:volljahrig|minderjahrig)', 'bist du (?:in der|in die|schon in der) \\d{1,2}'],
  },
  'age-disclosure': {
    // Handled by `extractDisclosedAge`, which also returns the age; this source only flags it.
    en: [
      '(?:i am|im|iam|i m) (\\d{1,2})(?= ?(?:yo|y/o|yrs?|years?|$|[?!.,]| and| too| also| lol| haha| btw| f| m))',
      '(\\d{1,2}) ?(?:yo|y/o|yrs old|years old|year old)',
      '(\\d{1,2}) ?/ ?[mf]\\b',
      '(?:just turned|turning|turn) (\\d{1,2})',
    ],
    es: ['tengo (\\d{1,2})(?= ?(?:anos|ano|$|[?!.,]| y| tambien))', 'cumplo (\\d{1,2})', '(\\d{1,2}) anos(?! (?:de|atras))'],
    de: ['ich bin (\\d{1,2})(?= ?(?:jahre|jahr|$|[?!.,]| und| auch))', '(\\d{1,2}) jahre alt', 'ich werde (\\d{1,2})'],
  },
  'off-platform-move': {
    en: [
      `(?:add|hmu|message|msg|text|dm|chat|talk|hit) (?:me )?(?:up )?(?:on|in|at|via|over) ${APPS}`,
      `(?:add|follow) me ${APPS}`,
      `^(?:${STRONG_APPS}|snap) ?(?:me )?\\?`,
      `${STRONG_APPS} me`,
      `${APPS} (?:me|is|name|user|username|handle|id|tag|acc|account|addy)`,
      `(?:my|${YOUR}|got|have|use|an) (?:${STRONG_APPS}|snap|sc|ig|tg|dc|whats)`,
      `(?:${ARE}|do|have|got) ${YOU} (?:have |got |use |on )?${STRONG_APPS}`,
      `(?:move|switch|go|talk|chat|continue) (?:this )?(?:to|on|over to|in) (?:${APPS}|another app|a different app|somewhere (?:else|more private)|private|dms)`,
      `(?:more|somewhere) private`,
      // An unnamed other app is still a move ("add me on the other app its easier").
      '(?:add|hmu|message|msg|text|dm|chat|talk|hit|find|meet) (?:me )?(?:up )?(?:on|in|over on|over to|via) (?:the |an |a |my )?(?:other|another|different|private|secret|better|safer) (?:app|site|platform|server|chat app)',
      '(?:talk|chat|message|go|move) (?:somewhere|someplace|some place) (?:else|private|quieter)',
      'private (?:chat|message|app)',
      `(?:pm|dm|text|call|ring|phone) me`,
      `(?:${YOUR}|my) (?:phone|cell|mobile)? ?(?:number|num|#|digits)`,
      `(?:phone|cell|mobile) ?(?:number|num|#)`,
      `(?:${YOUR}|my) (?:email|e-mail|mail addy)`,
      `(?:check|answer|open|see|read|reply to|look at) (?:${YOUR}|my) (?:dms?|private messages|pms?|inbox|private chat)`,
      `(?:dm|pm|message) me (?:privately|in private)`,
      `(?:made|created|set up|opened) (?:a|an|our) (?:private |secret )?(?:channel|server|group|chat|room) (?:just |only )?(?:for (?:us|${YOU} and me|the two of us)|only ${YOU} and (?:i|me) can see)`,
      `only ${YOU} and (?:i|me) can see`,
      `(?:download|get|install) (?:telegram|signal|kik|wickr|session|threema|whatsapp|discord|snapchat)`,
      `(?:off|outside|outside of) (?:the |this )?(?:site|app|platform|game|server)`,
      `(?:send|give) ${YOU} my (?:number|snap|discord|insta|tag|handle|digits|whatsapp)`,
      `(?:make|create|get|set up) (?:a |an )?(?:new|second|secret|separate|private|other) (?:account|acc|one|profile|snap|discord|insta)`,
      `(?:private|priv) (?:instances?|server|channel|room|world)`,
      `${YOU} (?:got|have|on|use) (?:${STRONG_APPS}|snap)(?: or (?:${STRONG_APPS}|snap))?`,
      `(?:roblox|discord|the app|this app|the game|this game|the chat|this chat|the site|this site|here|it) (?:keeps |always )?(?:blocks|blocking|censors|censoring|tags|tagging|filters|filtering|bans|deletes) (?:\\w+ ){0,2}(?:links|numbers|words|everything|stuff|what i)`,
      `(?:${STRONG_APPS}|snap|sc) then`,
    ],
    es: [
      '(?:agregame|anademe|escribeme|hablame|mandame un mensaje|llamame|sigueme) (?:en|al|por)',
      '(?:tu|mi) (?:numero|telefono|cel|celular|whats|insta|snap|discord|correo|telegram|tiktok)',
      '(?:pasame|me pasas|dame) tu (?:numero|snap|insta|discord|whats|telegram)',
      '(?:hablemos|sigamos) (?:por|en) (?:whatsapp|snap|discord|insta|telegram|privado)',
      '(?:en|por|a) (?:la |una )?otra (?:app|aplicacion|plataforma)',
      '(?:escribeme|hablame|mandame mensaje) (?:al |por |en )?privado',
      'agendame',
      '(?:bajate|descargate|descarga|instala|instalate) (?:el |la )?(?:telegram|whatsapp|discord|snap|snapchat|signal|kik)',
      'te paso mi (?:telegram|whatsapp|whats|snap|insta|discord|numero|cel)',
      'por (?:privado|priv|md|dm)',
      '(?:por|al|el|revisa el|mira el) (?:interno|privado|dm|md)',
      '(?:me )?(?:contestai|contestas|contesta|respondeme|escribime|escribeme) (?:alla|por alla|ahi|en (?:whatsapp|telegram|insta|discord))',
    ],
    de: [
      '(?:add|adde|schreib|folg) (?:mich|mir) (?:auf|bei|in|uber)',
      '(?:deine|meine) (?:nummer|handynummer|telefonnummer|email)',
      'gib mir deine (?:nummer|handynummer|snap|insta)',
      '(?:lass uns|wollen wir) (?:auf|bei|uber) \\w+ (?:schreiben|weiterschreiben|reden)',
      'hast du (?:snapchat|snap|whatsapp|insta|discord|telegram)',
      '(?:auf|in|uber) (?:der |die |eine |einer )?(?:anderen|andere|privaten) (?:app|plattform)',
      'schreib (?:mir )?(?:mal )?privat',
      '(?:per|in einer|uber) (?:pn|privatnachricht|dm)',
      '(?:lad|hol) dir (?:mal )?(?:telegram|signal|whatsapp|discord|snapchat|kik) runter',
      'nur du und ich (?:sehen|lesen) (?:konnen|konnt)',
      'schreib (?:mir )?(?:lieber |doch |mal |einfach )*(?:auf|bei|uber|in|per) (?:signal|telegram|whatsapp|snapchat|snap|discord|insta|instagram|threema|kik)',
      '(?:direkt|privat) (?:schreiben|anschreiben)',
    ],
  },
  secrecy: {
    en: [
      `(?:dont|do not|never|dnt|wont|shouldnt|cant|mustnt) (?:tell|show|mention|say (?:anything|nothing) to) (?:anyone|anybody|no one|nobody|${YOUR}|people|ppl|them|her|him|${PARENT}|friends|ne1)`,
      '(?:our|a|lil|little) (?:little |lil )?secret',
      '(?:dont|do not|dnt) (?:tell|show) (?!me\\b|you\\b|u\\b|ya\\b|up\\b|off\\b)[a-z][a-z0-9_]*',
      '(?:keep|kept) (?:this|it|that|us|things|what we) (?:between us|a secret|secret|quiet|to ourselves|on the dl|private)',
      '(?:keep|kept) (?:our|these|this|the|all|all our) (?:\\w+ ){1,2}(?:between us|a secret|secret|quiet|to ourselves|private|just between us)',
      `between (?:${YOU} and me|${YOU} and i|us two|us)`,
      `(?:delete|erase|clear|wipe|unsend|remove) (?:this|these|the|our|those|all|${YOUR}|my|all the|everything)? ?(?:chat|chats|messages|msgs|texts|convo|conversation|pics|pictures|photos|history|dms|it after)`,
      '(?:nobody|no one|noone) (?:needs to|has to|can|will|would|should|must) (?:ever )?(?:know|find out)',
      `(?:they|${YOUR} ${PARENT}|people) (?:wouldnt|wont|would not|dont|will not) understand`,
      `(?:can|could) ${YOU} keep a secret`,
      '(?:vanish|disappearing) (?:mode|messages)',
      'secret (?:chat|account|acc|app)',
      `(?:dont|do not|never|dnt) mention (?:it|this|that|me|us|what we)`,
      `(?:promise|swear) (?:me )?(?:you wont|not to|youll never) (?:tell|say)`,
      `(?:${YOUR} ${PARENT}|anyone) (?:cant|cannot|shouldnt|mustnt) (?:know|find out|see this)`,
      `(?:no need|(?:${YOU} )?(?:dont|do not) (?:need|have)) to (?:mention|tell|say)(?: (?:it|this|that|anything|anyone|about (?:it|this|us|me)))?(?: (?:at home|to (?:anyone|${YOUR} ${PARENT}s?)))?`,
      `(?:tell|say to) (?:her|him|them|${YOUR} ${PARENT}s?) (?:${YOURE()}|${YOU} (?:are|were|r|was)|ur) (?:at|with|staying|sleeping|going to)`,
      `(?:cover|covers|covering) for ${YOU}`,
      `(?:doesnt|dont|does not|do not|dont even) need to know`,
      `(?:dont|do not|never) (?:go )?(?:announcing|announce|bragging about|brag about|flex|flexing|stream|streaming|post|posting|screenshot|screenshotting) (?:it|this|that|about (?:it|this|us|me))`,
      `our (?:little |lil |special )?thing`,
      `(?:save|put|store) (?:it|me|my number|my contact|the number|this number) (?:under|as) (?:a |an )?(?:friend|fake|different|another|girls?|other|random)`,
      `so (?:${YOUR}|the) (?:${PARENT}|brother|sister|family)s? (?:doesnt|dont|wont|cant|does not|do not|will not|cannot|wouldnt) (?:hear|see|notice|know|find out|check|wonder|get suspicious)`,
      `(?:put|keep|turn) ${YOUR} (?:phone|volume|sound|ringer) (?:on )?(?:silent|low|off|down|mute)`,
      `(?:nobody|no one|noone) else (?:gets? (?:in|to see|to know)|can see|will see|has to know|needs to know|sees)`,
      `(?:${PARENT}s?|they|nobody|no one) (?:doesnt|dont|wont|does not|do not|will not) check`,
      `(?:no need|(?:${YOU} )?(?:dont|do not) need|(?:${YOU} )?(?:dont|do not) have) to (?:bring (?:it|this|that) up|bring up|say (?:its|it was|that its) me)`,
      `(?:dont|do not|never|best not|better not) (?:to )?mention (?:\\w+ ){0,3}to (?:${YOUR} ${PARENT}s?|anyone|anybody|her|him|them)`,
      `(?:dont|do not) say (?:anything|nothing|a word) (?:about (?:it|this|us|me) )?(?:on here|in here|to (?:anyone|${YOUR}|the mods))`,
      `(?:just )?say ${YOURE()} (?:at|with|staying|sleeping)`,
      `tell (?:her|him|them|people|everyone|${YOUR} ${PARENT}s?) (?:im|i am) (?:${YOUR}|a) (?:cousin|brother|uncle|friend|sister|tutor|coach)`,
    ],
    es: [
      'no (?:se lo |le |les )?(?:digas|cuentes|ensenes) (?:a nadie|nada|a tus padres|a tu (?:mama|papa|madre|padre))',
      '(?:nuestro|un) (?:pequeno )?secreto',
      'entre (?:tu y yo|nosotros)',
      'borra (?:los|el|las|este|estos|esta|nuestros?|todo)? ?(?:mensajes|chat|fotos|conversacion|historial)',
      'nadie (?:tiene que|debe|puede|necesita) (?:saber|enterarse)',
      'tus padres no (?:lo )?(?:entenderian|entienden|pueden saber)',
      'no (?:hace falta|tienes que|necesitas) (?:que )?(?:se lo |le |les )?(?:digas|decir|contar|cuentes)',
      '(?:diles|dile) que (?:estas|vas a estar|te quedas) (?:en casa de|con)',
      'no (?:les |le |se lo )?(?:comentes|menciones)',
      'no hace falta (?:avisar|molestar|preguntar|decir|contar)\\w*',
      'no (?:se lo |le |les )?(?:contas|contes|decis)',
      '(?:es|sera|este es) nuestro (?:trato|secreto|acuerdo)',
      '(?:que )?nadie (?:mas )?(?:lo )?(?:vea|sepa|se entere)',
      'no (?:le |les |se lo )?(?:digai|contis|contai|cuentis)',
    ],
    de: [
      'sag (?:es |das )?(?:niemandem|keinem|deinen eltern|deiner mutter|deinem vater|deiner mama|deinem papa)',
      '(?:unser|ein) (?:kleines )?geheimnis',
      'zwischen uns',
      'losch\\w* (?:die|den|das|unsere|alle|bitte)? ?(?:nachrichten|chat|bilder|fotos|verlauf)',
      'niemand (?:darf|muss|soll) (?:das|es|davon) (?:wissen|erfahren)',
      'deine eltern (?:durfen|sollen) (?:das|es) nicht (?:wissen|sehen)',
      'nicht (?:deinen eltern|deiner mutter|deinem vater|deiner mama|deinem papa) (?:zeigen|sagen|erzahlen)',
      'unter uns',
      '(?:muss|braucht|soll) (?:ja )?(?:keiner|niemand) (?:zu )?(?:wissen|erfahren)',
      'sag (?:ihr|ihm|ihnen|deinen eltern|deiner mutter|deinem vater) (?:du bist|du warst|dass du) (?:bei|mit)',
      'kein wort (?:zu|an) (?:niemandem|irgendwem|jemandem|deinen eltern|deiner mama|deinem papa)',
      'musst (?:ja |es |das )?(?:nicht|niemandem) (?:sagen|erzahlen)',
      'sag (?:einfach )?(?:du pennst|du schlafst|du ubernachtest|du bist) bei',
      '(?:damit|dass) (?:sie|er|deine eltern|deine mama|dein papa) (?:sich )?(?:nicht|nichts) (?:wundert|wundern|merkt|merken|mitbekommt|sieht)',
    ],
  },
  'isolation-probe': {
    en: [
      `${ARE} ${YOU} (?:home |at home |there )?(?:alone|by ${YOUR}self|by yourself)`,
      `${YOU} (?:home )?alone (?:\\?|rn|now|tonight)`,
      `(?:is )?any ?(?:one|body) (?:else )?(?:home|there|around|with ${YOU})`,
      `(?:is|are|r|iz) ${YOUR} ${PARENT}s? (?:home|there|around|awake|asleep|sleeping|out|gone|at work|away|nearby|watching|up)`,
      `(?:when|what time|wat time) (?:do|does|will|dose) ${YOUR} ${PARENT}s? (?:get home|leave|go to (?:bed|sleep|work)|sleep|come back|get back)`,
      `(?:do|does) ${YOUR} ${PARENT}s? (?:check|read|look at|go through|monitor|see|know about) ${YOUR}`,
      `who else (?:uses|reads|sees|checks|has) ${YOUR}`,
      `${YOUR} ${PARENT}s? (?:probably |really |just )?(?:dont|do not|never|doesnt) (?:understand|get|care about|listen to|appreciate|deserve) ${YOU}`,
      `(?:only|just) (?:i|me) (?:really )?(?:understand|get|gets) ${YOU}`,
      `(?:nobody|no one) (?:understands|gets|cares about) ${YOU} like (?:i|me)`,
      `${ARE} ${YOU} in ${YOUR} (?:room|bedroom)`,
      `(?:is )?${YOUR} door (?:locked|closed|shut)`,
      `can ${YOUR} ${PARENT}s? (?:see|hear)`,
      `(?:do|does) ${YOUR} ${PARENT}s? (?:ever |even |actually |really |still )?(?:check|read|look at|look through|go through|read through|monitor|see|know about|know)`,
      `(?:when|once|after) (?:they|${YOUR} ${PARENT}s?|every ?one|everyone)(?:re| are| r|s)? (?:asleep|sleeping|in bed|gone|out|at work|not home)`,
      `(?:after|when|once|while) ${YOUR} ${PARENT}s? (?:go|goes|are|r|have gone|has gone|is|went) (?:to bed|to sleep|asleep|sleeping|out|away)`,
      `${YOUR} ${PARENT}s? (?:let|lets|allow|allows) ${YOU}`,
      `(?:nobody|no one|noone) (?:hovering|watching|checking|around|home)`,
      `(?:are|r|is) ${YOUR} ${PARENT}s? (?:strict|chill|cool|relaxed|around much|home much|overprotective)`,
      `(?:she|he|they|adults|grown ?ups|parents|${YOUR} ${PARENT}s?) (?:dont|doesnt|do not|does not|never|wouldnt|would not|wont|cant) (?:get it|get us|get this|understand (?:us|this|it|${YOU}))`,
      `(?:adults|grown ?ups|parents|people) (?:get|are|would get) (?:so |really )?(?:weird|funny|strange|judgy|mad|paranoid) about`,
      `(?:im|i am|i m) the only (?:one|person) (?:who|that) (?:actually |really |truly )?(?:cares|gets|understands|loves|listens)`,
      `${YOU} (?:dont|do not) need (?:them|those|anyone|anybody|ur friends|${YOUR} friends|other people)`,
      `i (?:dont|do not) (?:like|want) ${YOU} (?:talking|hanging|texting|chatting) (?:to|with|out)`,
      `what we have is (?:special|different|rare|real)`,
      `(?:friendships?|relationships?|things?|connections?) like ours`,
      `(?:lock|close|shut) ${YOUR} (?:bedroom )?door`,
      `(?:wait|until|till|til) (?:${YOUR} ${PARENT}s?|they|everyone|every1) (?:are|r|is|go|goes|fall|falls) (?:asleep|to bed|to sleep|out|gone)`,
      `(?:use|on|from) ${YOUR} own (?:phone|laptop|tablet|device|computer)`,
      `(?:do|have) ${YOU} (?:got |have )?${YOUR} own (?:phone|room|bedroom|laptop|tablet)`,
      `${YOURE()} (?:on ${YOUR} own|by ${YOUR}self|alone|home alone) (?:most|a lot|every|all|after)`,
      `(?:${YOU} know )?what (?:parents|adults|grown ?ups|mums|moms|dads) are like`,
      `(?:mods|moderators|admins) (?:get|are|would get) (?:so |really )?(?:weird|funny|strict|mad|nosy)`,
      `(?:all )?on ${YOUR} own (?:this|tonight|today|again|most|every|all|after|til|till|until)`,
    ],
    es: [
      'estas (?:sola|solo|solita|solito)',
      '(?:estan|esta) (?:tus padres|tu (?:mama|papa|madre|padre)) (?:en casa|ahi|despiertos?|dormidos?)',
      '(?:a que hora|cuando) (?:llegan|vuelven|se duermen|se van|salen) tus padres',
      'tus padres (?:revisan|leen|miran|ven) tu',
      'tus padres no te (?:entienden|comprenden|escuchan)',
      'solo yo te (?:entiendo|comprendo)',
      'nadie te (?:entiende|comprende) como yo',
      'hay alguien (?:mas )?(?:en casa|contigo)',
      'cuando tus (?:padres|papas) (?:esten|se) (?:dormidos|duerman|vayan|vayan a dormir)',
      '(?:tus padres|tu (?:mama|papa|madre|padre)) (?:te )?(?:revisan|leen|miran|ven|checan|controlan) (?:el |tu )?(?:celular|movil|telefono|mensajes|chats)',
      'cuando (?:todos|ellos|tus padres) (?:esten|estan) dormidos',
      '(?:tenes|tienes) (?:pieza|cuarto|habitacion|celu|celular|movil) (?:propi[oa]|para (?:vos|ti) sol[oa])',
      'tus (?:viejos|papas|padres) (?:te )?(?:miran|revisan|controlan|ven|leen)',
      '(?:son|estan) tus (?:padres|papas|viejos) (?:muy )?(?:estrictos|encima)',
      'nadie te (?:controla|vigila|corta)',
      '(?:tus padres|tus viejos|ellos|ella|el) no (?:te )?(?:entienden|entiende|lo entienden)',
      '(?:soy|yo soy) (?:el|la) unic[oa] (?:que|quien) (?:te )?(?:entiende|quiere|escucha|cuida)',
    ],
    de: [
      'bist du (?:allein|alleine|ganz allein)',
      '(?:sind|ist) (?:deine eltern|deine mutter|dein vater|deine mama|dein papa) (?:zu hause|zuhause|da|wach|weg|daheim)',
      'wann (?:kommen|gehen|schlafen) deine eltern',
      '(?:kontrollieren|lesen|checken) deine eltern',
      'deine eltern verstehen dich nicht',
      'nur ich verstehe dich',
      'niemand versteht dich so (?:wie ich|gut wie ich)',
      'ist (?:noch )?jemand (?:bei dir|zu hause|da)',
      '(?:gucken|schauen|sehen|lesen|kontrollieren|checken) (?:deine eltern|deine mama|dein papa|deine mutter|dein vater)',
      'wenn (?:die|deine eltern|sie|alle) (?:schon )?(?:schlafen|weg sind|nicht da sind|im bett sind)',
      'bist du (?:abends |oft |viel |nachmittags |meistens |dann )*(?:allein|alleine)',
      '(?:sind|ist) (?:deine eltern|deine mama|dein papa|deine mutter|dein vater) (?:sehr |eher )?(?:streng|oft weg|viel weg)',
      '(?:die|sie) verstehen (?:halt |einfach |eh |dich )*nicht',
      'hast du (?:ein |einen )?(?:eigenes|eigenen) (?:zimmer|handy|laptop)',
      '(?:ich bin|bin) (?:der|die) einzige,? (?:der|die) dich versteht',
      '(?:eltern|mama|papa|mutter|vater) (?:mussen|muss|brauchen|braucht|mond|muend) (?:das |es )?(?:nicht|nid|nit) (?:wissen|wusse|wuesse|erfahren)',
    ],
  },
  'media-request': {
    en: [
      `(?:send|snap|show|give|post|dm|sent) (?:me |us )?(?:a |an |some |another |more |${YOUR} |a few |a cute |a quick |one more )?(?:face |body |full body |cute |new |private |real )?${MEDIA}`,
      `(?:can|could|may|wanna|want to|let) (?:i|me|we) (?:see|have|get) (?:a |some |another |more |${YOUR} )?(?:${MEDIA}|${YOU}|body|face)`,
      `(?:turn|put|switch|get) (?:on )?(?:${YOUR}|the|a) (?:cam|webcam|camera)`,
      '(?:cams?|webcams?|cameras?) on',
      '(?:on|get on|go on|hop on) (?:cam|webcam)',
      '(?:video ?call|vc|facetime|video chat|cam chat|cam2cam|c2c)',
      `(?:do|have) ${YOU} (?:have |got )?(?:a |any )?(?:cam|webcam|${MEDIA})`,
      `show me (?:${YOUR}|what|${YOU}|ur)`,
      `(?:pic|photo|picture|${MEDIA}) of ${YOUR}?(?:self|${YOU})`,
      'i (?:wanna|want to|need to|gotta) see (?:you|u|ur|your|more)',
      `(?:stream|live|show|call|dance) (?:just |only )for me`,
    ],
    es: [
      '(?:mandame|enviame|pasame|manda|envia|muestrame|ensename|mandas|envias) (?:una |un |unas |unos |otra |mas |tu )?(?:foto|fotos|video|videos|selfie)',
      '(?:prende|enciende|pon|activa) (?:la |tu )?(?:camara|cam|webcam)',
      'videollamada',
      'quiero verte',
      'foto tuya',
      '(?:vivo|directo|live|stream|show) (?:solo |solamente )?para mi',
    ],
    de: [
      '(?:schick|sende|zeig|schickst) (?:mir |du mir )?(?:ein |eine |mal |noch |paar |ein paar |nochmal )*(?:foto|fotos|bild|bilder|selfie|video|videos)',
      '(?:mach|schalt) (?:deine |die )?(?:kamera|cam|webcam) an',
      'videoanruf',
      'videochat',
      '(?:ich will|will) dich sehen',
      'foto von dir',
      '(?:live|stream|show|video) (?:nur )?fur mich',
    ],
  },
  meeting: {
    en: [
      `(?:meet|meet up|meetup|hang out|hook up|see each other|get together) (?:irl|in person|in real life|sometime|someday|tonight|tomorrow|this weekend|after school|for real|alone|somewhere|at|on)`,
      `(?:wanna|want to|should|could|can|lets|let us|we should|we could|when can we|when do we|would ${YOU} like to) (?:meet|hang out|see (?:${YOU}|each other))`,
      `(?:i|ill|i will|i can|i could|let me) (?:pick ${YOU} up|come (?:over|to ${YOU}|to ${YOUR})|drive (?:to ${YOU}|over)|visit ${YOU}|take ${YOU} (?:out|somewhere))`,
      `(?:where|wat|what part of town) (?:do )?${YOU} live`,
      `(?:what|which|wat) (?:city|town|state|school|area|neighborhood|neighbourhood|street) (?:${ARE}|do) ${YOU}`,
      `${YOUR} (?:address|addy)`,
      `(?:sneak|come) out (?:tonight|of ${YOUR}|to meet)`,
      `(?:near|close to) (?:${YOU}|${YOUR} (?:house|school|place))`,
      '(?:hotel|motel)',
      `meet (?:${YOU}|me) (?:at|in|after|near|behind|outside)`,
      `(?:ill|i will|i can|ill be) wait(?:ing)? for ${YOU} (?:after|outside|at|behind|near)`,
      `come (?:and )?see me`,
      `(?:come|be) alone`,
      `(?:dont|do not) bring (?:anyone|anybody|any ?1|ur friends|${YOUR} friends)`,
      `(?:come|stop) (?:by|over|round) (?:to )?(?:my|to my) (?:place|house|flat|apartment)`,
      `i can (?:take|bring|drive) ${YOU} (?:to|there|home|with me)`,
      `(?:im|i am|ill be|i will be|i m) (?:\\w+ ){0,3}(?:in ${YOUR} (?:area|town|city|neighborhood|neighbourhood)|near ${YOU}|nearby)`,
      `meet (?:properly|for real|irl|in person|up properly)`,
      `(?:ill|i will|i can|let me|i could) take ${YOU} (?:for|to) (?:a |some )?\\w+`,
      `come (?:over|round|by) (?:whenever|anytime|any time|after school|tonight|later|after tea)`,
    ],
    es: [
      '(?:vernos|conocernos) en persona',
      'quedar (?:conmigo|en persona|a solas)',
      'quedamos (?:en|el|a las|manana|hoy)',
      'donde vives',
      'en que (?:ciudad|barrio|colegio) (?:vives|estas|estudias)',
      '(?:te recojo|paso a buscarte|te paso a buscar|puedo ir a verte|voy a tu casa)',
      'tu direccion',
      'escapate',
      'ven sol[oa]',
      'no traigas a nadie',
      '(?:ven|vente|veni|venite) a (?:verlo|verla|verme|mi casa|casa)',
      'te espero',
      'puerta de atras',
      '(?:te llevo|te puedo llevar)',
      '(?:estoy|voy a estar) (?:\\w+ ){0,3}(?:en tu (?:ciudad|zona|barrio)|cerca de (?:ti|vos))',
    ],
    de: [
      '(?:treffen|kennenlernen) wir uns',
      '(?:sollen|wollen|konnen) wir uns (?:mal |bald |morgen |heute )?(?:treffen|sehen)',
      'ich warte (?:\\w+ ){0,6}auf dich',
      'wo wohnst du',
      '(?:ich hol|ich hole|hol) dich ab',
      'deine adresse',
      '(?:ich komm|ich komme) (?:zu dir|vorbei)',
      'in echt (?:sehen|treffen)',
      'uns treffen',
      'komm (?:allein|alleine)',
      'bring (?:niemanden|keinen) mit',
      '(?:ich kann|kann ich) dich (?:\\w+ ){0,3}(?:mitnehmen|abholen|hinfahren|fahren)',
      'hotel\\w*',
      '(?:komm|kommst) (?:doch )?(?:zu mir|vorbei)',
      '(?:bin|komme) (?:\\w+ ){0,3}in deiner (?:stadt|nahe|gegend)',
    ],
  },
  'gift-offer': {
    en: [
      `(?:ill|i will|i can|i could|let me|i wanna|i want to|ima|imma|i would|i might|i gonna) (?:buy|get|send|give|gift|pay for|hook) (?:${YOU}|ya)`,
      `(?:free|some|extra|more|${YOUR}|the) ${CURRENCY}`,
      `\\d+ ${CURRENCY}`,
      `(?:give|send|gift) (?:${YOU} |ya )?(?:some |free |a |the )?${CURRENCY}`,
      '(?:robux|vbucks|v bucks|gift ?card|gift ?code|giftcard)',
      '(?:steam|amazon|itunes|apple|google play|psn|xbox|roblox|fortnite|nintendo|visa) (?:card|gift|code|credit|points|voucher)',
      `(?:paypal|venmo|cashapp|cash app|zelle|revolut) (?:${YOU}|me ${YOUR})`,
      `(?:send|give) ${YOU} (?:money|cash|\\$ ?\\d+|\\d+ ?(?:dollars|bucks|euros))`,
      `(?:do|would) ${YOU} (?:want|like) (?:some )?(?:money|cash|robux|vbucks|nitro|skins?|a gift|a present|a new phone)`,
      `(?:buy|get) ${YOU} (?:something|anything|a present|a gift|whatever|a new)`,
      `(?:extra|spare|free) (?:code|key|skin|bundle|pass|card)s?`,
      `(?:phone|mobile) (?:credit|top ?up|topup)`,
      `after (?:everything|all) (?:i(?:ve)? )?(?:did|done|gave|bought|got|spent) (?:for |on )?${YOU}`,
      `buying ${YOU}`,
      `(?:top|topped) (?:it |${YOUR} phone |you )?up`,
    ],
    es: [
      'te (?:regalo|compro|mando|envio|doy|pago|regalare|comprare)',
      'pavos',
      'tarjeta (?:regalo|de regalo)',
      '(?:quieres|te gustaria) (?:dinero|robux|pavos|un regalo|gemas|skins)',
      'te (?:compre|regale|pague)',
      '(?:mas )?regalos',
      '(?:te puedo|puedo) (?:mandar|regalar|comprar)',
    ],
    de: [
      'ich (?:kauf|kaufe|schenk|schenke|schick|gebe|geb|spendier) dir',
      '(?:gutschein|guthaben|geschenkkarte|geschenkcode)',
      '(?:willst du|mochtest du) (?:geld|robux|vbucks|ein geschenk|skins)',
      '(?:ticket|tickets|das|die karte|eintritt) (?:zahl|bezahl|ubernehm)\\w* ich',
      'ich (?:zahl|bezahl|ubernehm)\\w* (?:das|dein|dir|die|alles)',
    ],
  },
  flattery: {
    en: [
      `mature (?:for ${YOUR} age|for a \\d+|for \\d+)`,
      `(?:smart|wise|grown up|grown) for ${YOUR} age`,
      `${YOU} (?:look|seem|act|sound|talk) (?:so |way |much )?(?:older|grown up|mature|grown)`,
      `${YOU}(?:re| are| r|r|re so|r so)? (?:so |really |very |super |pretty |such an? )?(?:mature|special|beautiful|gorgeous|stunning|perfect|hot|sexy)`,
      `(?:not like|different from|unlike|better than) (?:other|most|the other) (?:girls|boys|kids|people|guys)`,
      '(?:beautiful|gorgeous|pretty|cute|hot|sexy) (?:girl|boy|face|eyes|smile|body|legs)',
      'old soul',
      '(?:smarter|wiser|more mature) than (?:most|other|a lot of|many) (?:adults|people|kids|grown ups|girls|boys)',
      'so grown up',
      `(?:i|ive) never (?:met|talked to) (?:anyone|someone|a girl|a boy) like ${YOU}`,
      `(?:${YOURE()}|${YOU} r|${YOU} are) (?:so |really |very |super )?(?:pretty|cute)`,
    ],
    es: [
      'madur[oa] para (?:tu edad|\\d{1,2}|tener \\d{1,2}|ser \\w+)',
      'muy madur[oa]',
      'eres (?:muy |tan |super |la mas |el mas )?(?:guap[oa]|lind[oa]|bonit[oa]|hermos[oa]|especial|precios[oa]|madur[oa])',
      'pareces (?:mayor|mas grande)',
      'no eres como (?:las|los) (?:demas|otras|otros)',
      '(?:listo|lista|lista|avanzad[oa]|inteligente) para tu edad',
      '(?:sos|eres) (?:re |muy |tan |super )?(?:madur[oa]|linda|lindo|especial|hermos[oa])',
      '(?:juegas|jugas) (?:re |muy |super )?bien para',
    ],
    de: [
      'reif fur dein alter',
      '(?:sehr|so) reif',
      'du bist (?:so |echt |sehr |total |voll )?(?:hubsch|suss|schon|sexy|besonders|erwachsen|reif)',
      'du (?:wirkst|siehst) (?:viel )?(?:alter|erwachsen|reif)',
      'nicht wie (?:die )?(?:anderen|andere madchen)',
      '(?:fix|schlau|klug|clever|weit|erwachsen|vernunftig) fur dein alter',
    ],
  },
  sexualisation: {
    en: [
      '(?:sexy|sex|sexual|sexting|naked|nude|nudes|topless|undress|undressed|underwear|bra|panties|lingerie|boobs|tits|dick|cock|penis|vagina|pussy|horny|aroused|orgasm|virgin|blowjob|jerk off|hickey)',
      'masturbat\\w*',
      `turn (?:${YOU}|me) on`,
      'turned on',
      '(?:make|making) out',
      'in bed with',
      `(?:kiss|touch|lick|feel) (?:${YOU}|${YOUR}) (?:all over|body|lips|neck|everywhere)`,
      `(?:what|wat|wut) ${ARE} ${YOU} wearing`,
      `${YOUR} body`,
      `sleep (?:with|together)`,
      'shower together',
      `(?:take|took) (?:it|ur|your|them|everything|clothes) off`,
      `(?:grown ?up|adult|mature|18\\+) (?:jokes|stuff|things|content|games|worlds?|videos)`,
      `(?:wear|put on) something (?:comfy|cute|special|tight|short|revealing|sexy|nice for me)`,
    ],
    es: ['sexo', 'sexy', 'desnud\\w*', 'ropa interior', 'sosten', 'bragas', 'calzones', 'tetas', 'excitad\\w*', 'cachond\\w*', 'virgen', 'tocarte', 'que llevas puesto', 'tu cuerpo', 'en la cama', 'quitate (?:la ropa|todo)'],
    de: ['nackt', 'sex', 'sexy', 'unterwasche', 'bh', 'hoschen', 'titten', 'erregt', 'jungfrau', 'dich anfassen', 'was hast du an', 'dein korper', 'im bett', 'zieh dich aus'],
  },
  threat: {
    en: [
      `(?:ill|i will|im gonna|im going to|gonna|i can|i could) (?:send|post|share|show|leak|upload|spread|forward|give) (?:it|them|this|these|those|${YOUR}|the|everything|all)(?: \\w+){0,3} (?:to|on|with|online|everywhere|everyone|around)`,
      '(?:or|otherwise) (?:ill|i will|im gonna|else)',
      `(?:everyone|everybody|${YOUR} friends|${YOUR} ${PARENT}s?|${YOUR} school|${YOUR} class|the whole school) (?:will|is gonna|gonna|are gonna|is going to|are going to) (?:see|know|find out)`,
      `i (?:have|got|saved|screenshotted|kept|still have) (?:${YOUR}|the|all (?:${YOUR}|the)|those) (?:pics|pictures|photos|nudes|videos|messages|snaps|screenshots)`,
      `(?:pay|send) (?:me )?(?:\\$ ?\\d+|\\d+ ?(?:dollars|bucks|euros)|money|more)(?: \\w+){0,3} or`,
      `${YOU} (?:will|ll|gonna) regret`,
      `${YOUR} (?:life|reputation) (?:will be|is|would be) (?:over|ruined|done)`,
      `i know where ${YOU} live`,
      'i (?:screenshotted|screenshot|saved|recorded|kept|have) (?:everything|it all|all of it|all of them|every pic)',
      `or (?:i|ill|i will|imma) (?:post|send|show|share|leak|upload|tell|give)`,
      `do (?:what|as) i (?:say|tell ${YOU})`,
      `if ${YOU} (?:dont|do not|wont) (?:send|do it|answer|reply|pay|do what)`,
      `if ${YOU} (?:tell|block|report) (?:anyone|me|${YOUR}|any1)`,
      `(?:or|otherwise|else) ${YOUR} (?:friends|classmates|class|school|parents|family|followers|teachers) (?:get|gets|see|sees|will (?:get|see))`,
      'paysafe ?cards?',
      `(?:screenshots?|a list|list) of (?:all )?(?:${YOUR} )?(?:followers|friends|contacts|follower list|friends list|followers list)`,
      `(?:${YOUR}|the) (?:followers|follower|friends|friend) list`,
    ],
    es: [
      '(?:voy a|lo voy a|las voy a|los voy a) (?:publicar|subir|mandar|ensenar|compartir|pasar)(?: \\w+){0,3} (?:a (?:todos|tus)|en)',
      '(?:si no|sino) (?:me )?(?:mandas|envias|pagas|haces)',
      'todos (?:van a|lo van a) ver',
      '(?:tengo|guarde|guardo) tus (?:fotos|videos)',
      '(?:las|los|lo) (?:veran|van a ver|va a ver) (?:todos|tus)',
      'te vas a arrepentir',
      'si le dices a (?:alguien|tus padres)',
      '(?:o|si no) (?:tus|todos tus) (?:amigos|companeros|padres) (?:las |los |lo )?(?:ven|veran|reciben)',
      '(?:capturas|screenshots?|lista) de (?:todos )?(?:tus )?(?:seguidores|amigos|contactos)',
      '(?:todavia |aun )?tengo (?:la|tu|esa|el|tus|esas) (?:foto|fotos|video|videos)',
    ],
    de: [
      '(?:ich zeige|ich schicke|ich poste|ich verbreite|ich teile|ich schick)(?: \\w+){0,3} (?:deinen eltern|allen|deinen freunden|im internet|online|deiner schule)',
      '(?:sonst|ansonsten) (?:zeige|schicke|poste|sage|sag|erzahle)',
      'ich (?:habe|hab) (?:noch )?(?:deine|die) (?:bilder|fotos|videos)',
      '(?:bekommt|bekommen|sieht|sehen) (?:deine schule|deine eltern|deine freunde|deine klasse|alle) (?:sie|das|es|die)',
      'wenn du (?:nicht|es jemandem|das jemandem) (?:schickst|bezahlst|sagst)',
      'wenn du (?:mir )?(?:nicht|kein)(?: \\w+){0,3} (?:schickst|bezahlst|zahlst)',
      'das wirst du bereuen',
      '(?:sonst|ansonsten) (?:\\w+ ){0,3}(?:kriegen|bekommen|sehen|kriegt|bekommt|sieht)',
      '(?:schick|stell|poste|zeig) ich (?:sie|die|das|es|alles) (?:\\w+ )?(?:raus|rum|online|ins netz|allen)',
      'paysafe ?cards?',
      'ich (?:\\w+ ){0,2}(?:bild|bilder|foto|fotos|video|videos|screenshots?) (?:noch )?(?:hab|habe|gespeichert)',
      'ich (?:habe|hab) (?:noch )?(?:deine|die|das|dein|alle|dieses) (?:bilder|bild|fotos|foto|videos|video)',
      'oder ich (?:schick|zeig|poste|stell|teil|leak)\\w*',
      '(?:gehts|geht es|geht das|gehen die|gehen sie) (?:\\w+ )?raus',
      'screenshots? (?:von|deiner|deines) (?:\\w+ )?(?:followerliste|follower|freunde|freundesliste|kontakte)',
    ],
  },
  'age-peer-impersonation': {
    en: [
      `(?:im|i am) (?:also|too|the same age|${YOUR} age|a kid too|a teen too|\\d{1,2} too|\\d{1,2} also)`,
      `same age as (?:${YOU}|me)`,
      `(?:im|i am|i m) (?:not|actually) (?:really )?(?:\\d{1,2}|a kid|a teen|that young|older|an adult)`,
      `actually (?:im|i am) (?:older|\\d{2})`,
      '(?:i|im) (?:lied|lying) about my age',
      '(?:age|years) (?:is |are )?(?:just|only) a number',
      'age doesnt matter',
    ],
    es: ['(?:yo )?tambien tengo \\d{1,2}', '(?:tenemos|somos de) la misma edad', 'la edad (?:es |solo es )?(?:solo )?un numero', '(?:en realidad|la verdad) tengo \\d{1,2}', 'menti sobre mi edad'],
    de: ['ich bin auch \\d{1,2}', '(?:wir sind|sind) gleich alt', 'alter ist nur eine zahl', 'eigentlich bin ich \\d{1,2}', 'beim alter gelogen'],
  },
  'family-context': {
    en: [
      '(?:hi|hey|hello|thanks|thank you|thx|ty|love you|luv u|love u|bye|night|goodnight|morning|sorry)(?: so much| sm| soo much| lots| loads| a lot)? (?:mom|mum|mommy|mummy|mama|dad|papa|grandma|granny|nana|nan|grandpa|grandad|granddad|gramps|auntie|aunty|aunt|uncle|godmother|godfather)',
      // A reply word then a kin word is an address only when the message ends there ("ok mum"),
      // not in "yeah dad won't top it up".
      '(?:ok|okay|k|kk|yes|yeah|yep|no|nope|sure|fine) (?:mom|mum|mommy|mummy|mama|dad|papa|grandma|granny|nana|nani|nan|grandpa|grandad|granddad|auntie|aunty|uncle)(?:(?: \\w+)?(?:[!.?,]|$)| (?:love|luv|xx?|bye|thanks|thank|see (?:you|u|ya)|ill|i will|will do|coming|on my way|omw)\\b)',
      '(?:love|xo|xoxo|hugs) (?:mom|mum|dad|grandma|grandpa|nana|aunt \\w+|uncle \\w+|auntie)$',
      '(?:its|this is|it is) (?:mom|mum|dad|grandma|grandpa|grandad|granny|nana|nan|aunty|auntie|aunt|uncle|your (?:aunt|auntie|aunty|uncle|grandma|grandpa|grandad|mom|dad|mum|nana|cousin|godmother|godfather))',
      '(?:mom|dad|mum|grandma|grandpa) here',
      // Calling someone "dad"/"mum" at the start of a message: "dad we know what ur car looks like".
      '^(?:mom|mum|mommy|mummy|mama|dad|papa|grandma|granny|nana|nan|grandpa|grandad|granddad|auntie|aunty)[,!]? (?:we|i|im|can|could|pls|please|where|when|what|ok|okay|u|you|are|r|how|its|it|stop|yes|no|lol|omg|thanks|thank)\\b',
      `(?:${YOUR} (?:dad|mom|mum) and i)|(?:grandma|grandpa|nana|auntie|uncle \\w+|aunt \\w+) loves ${YOU}`,
      '(?:your|ur) (?:little )?(?:brother|sister|cousin) (?:says|wants|misses)',
      // What a parent or guardian tells a child who is home alone: protect, not isolate.
      '(?:lock|dont open|do not open|dont answer|do not answer) the (?:front )?door',
      '(?:dinner|food|lunch|pasta|pizza|soup) is (?:in the (?:fridge|oven|microwave)|ready)',
      `(?:mom|mum|mommy|mummy|mama|dad|papa|grandma|granny|nana|grandpa|grandad|auntie|aunty)${NOT_POSSESSED}[!.?]*$`,
    ],
    es: [
      '(?:hola|gracias|si|vale|ok|te quiero|adios|buenas noches|perdon|bueno) (?:mama|mami|papa|papi|abuela|abuelo|abue|tia|tio)',
      '(?:soy|habla) (?:tu )?(?:mama|papa|abuela|abuelo|tia|tio)',
      '(?:besos|te quiere),? (?:mama|papa|la abuela|el abuelo|tu abuela|tu tia|tu tio)',
      '(?:no abras|no le abras) la puerta',
      'cierra la puerta con llave',
      'hay comida en la nevera',
      '^(?:mama|mami|papa|papi|abuela|abuelo|abue|tia|tio)[,!]? (?:ya|no|si|puedo|donde|cuando|que|vale|ok|gracias|te)\\b',
      `(?:mama|mami|papa|papi|abuela|abuelo|abue|yaya|tita|tito)${NOT_POSSESSED}[!.?]*$`,
    ],
    de: [
      '(?:hallo|hi|danke|ja|nein|ok|okay|hab dich lieb|tschuss|gute nacht|sorry|gut) (?:mama|mami|papa|papi|oma|opa|tante|onkel)',
      '(?:hier ist|ich bins) (?:mama|papa|oma|opa|deine (?:mama|oma|tante)|dein (?:papa|opa|onkel))',
      '(?:deine|dein) (?:oma|opa|mama|papa|tante|onkel)(?: \\w+)? (?:hat dich lieb|vermisst dich)',
      '(?:schliess|sperr) die (?:tur|haustur) ab',
      'mach (?:niemandem )?die tur nicht auf',
      '^(?:mama|mami|papa|papi|oma|opa|tante|onkel)[,!]? (?:ich|wir|kann|wo|wann|was|ok|okay|ja|nein|danke|bitte)\\b',
      `(?:mama|mami|papa|papi|oma|opa|omi|opi)${NOT_POSSESSED}[!.?]*$`,
    ],
  },
  'kin-reference': {
    en: [
      `(?:(?:mum|mom|dad|grandad|granddad|grandpa|grandma|granny|nana|nan)${OWNED('your|ur|yo|my|his|her|their|a|the|ya|yr')}|(?:auntie|aunt|uncle) \\w+${OWNED2('your|ur|yo|my|his|her|their|a|the|ya|yr')})(?: and (?:i|me|dad|mum|mom))? (?:says|said|wants|will|gave|sends|sent|loves|misses|has|had|is making|can|knows|is picking|picks|got)`,
      `(?:mums|moms|dads|grandmas|grandads|nanas)${OWNED('your|ur|yo|my|his|her|their|a|the')} (?:birthday|present|surprise|party|cake)`,
      // "don't tell dad", "ask mum": a parent named as the speaker's own, not "your dad".
      '(?:tell|ask|show|call|text|wake|help|surprise) (?:mum|mom|mummy|mommy|dad|grandma|grandad|grandpa|nana|nani|granny)(?![a-z])',
    ],
    es: [`(?:(?:mama|papa)${OWNED('tu|su|mi')}|la abuela|el abuelo|la tia \\w+|el tio \\w+) (?:dice|dijo|quiere|te manda|te envia|tiene|te quiere)`, '(?:el )?cumpleanos de (?:mama|papa|la abuela|el abuelo)', '(?:digas|decirle|preguntale|pregunta|dile|cuentes) a (?:mama|papa|la abuela|el abuelo)(?![a-z])'],
    de: [`(?:(?:mama|papa|oma|opa)${OWNED('deine|dein|meine|mein|seine|ihre')}|(?:tante|onkel) \\w+${OWNED2('deine|dein|meine|mein|seine|ihre')}) (?:sagt|hat gesagt|will|mochte|schickt|hat|freut sich)`, '(?:mamas|papas|omas|opas) geburtstag', '(?:sag|frag|erzahl|zeig)\\w* (?:es |das )?(?:mama|papa|oma|opa)(?![a-z])'],
  },
  'third-party-surprise': {
    en: [
      `surprise (?:party |present |gift |cake |dinner )?for (?:(?:mum|mom|mummy|mommy|dad|daddy|grandma|grandpa|nana|nan|granny|grandad|auntie|aunty|uncle)|${YOUR} (?:(?:mum|mom|mummy|mommy|dad|daddy|grandma|grandpa|nana|nan|granny|grandad|auntie|aunty|uncle)|sister|brother|teacher|coach|cousin)|her|him|them)`,
      `(?:(?:mum|mom|mummy|mommy|dad|daddy|grandma|grandpa|nana|nan|granny|grandad|auntie|aunty|uncle)s|${YOUR} (?:(?:mum|mom|mummy|mommy|dad|daddy|grandma|grandpa|nana|nan|granny|grandad|auntie|aunty|uncle)|sister|brother)s|her|his) (?:\\w+ )?(?:birthday|bday|anniversary|40th|50th|60th|70th|retirement) (?:party|present|gift|surprise|cake)`,
      'surprise (?:party|40th|50th|60th|70th|birthday party)',
      // A third person's birthday and a surprise in one message, either order.
      `(?:(?:mum|mom|mummy|mommy|dad|daddy|grandma|grandpa|nana|nan|granny|grandad|auntie|aunty|uncle)s|${YOUR} (?:(?:mum|mom|mummy|mommy|dad|daddy|grandma|grandpa|nana|nan|granny|grandad|auntie|aunty|uncle)|sister|brother)s|her|his) (?:\\w+ )?(?:birthday|bday|anniversary|40th|50th|60th|70th)[^?]{0,80}surprise`,
      `surprise[^?]{0,80}(?:(?:mum|mom|mummy|mommy|dad|daddy|grandma|grandpa|nana|nan|granny|grandad|auntie|aunty|uncle)s|${YOUR} (?:(?:mum|mom|mummy|mommy|dad|daddy|grandma|grandpa|nana|nan|granny|grandad|auntie|aunty|uncle)|sister|brother)s|her|his) (?:\\w+ )?(?:birthday|bday|anniversary|40th|50th|60th|70th)`,
      `(?:throwing|planning|organising|organizing|doing) (?:${YOUR} (?:(?:mum|mom|mummy|mommy|dad|daddy|grandma|grandpa|nana|nan|granny|grandad|auntie|aunty|uncle)|sister|brother)|her|him|them) (?:a )?surprise`,
    ],
    es: [
      '(?:sorpresa|regalo|fiesta) (?:sorpresa )?(?:para|a|de) (?:mama|papa|la abuela|el abuelo|tu (?:mama|papa|madre|padre|hermana|hermano|abuela|abuelo|tia|tio)|ella|el)',
      'fiesta sorpresa',
    ],
    de: [
      'uberraschung(?:sparty|sfeier|sgeschenk)? fur (?:mama|papa|oma|opa|deine (?:mama|mutter|oma|schwester|tante)|deinen (?:papa|vater|opa|bruder|onkel)|sie|ihn)',
      '(?:uberraschungsparty|uberraschungsfeier)',
      'zum geburtstag (?:von )?(?:mama|papa|oma|opa|deiner (?:mama|mutter|oma)|deinem (?:papa|vater|opa))',
    ],
  },
  'supervision-present': {
    en: [
      '(?:parents|moms|dads|guardians|families|parent) (?:are |r |is )?(?:cc(?:ed|d)?|copied|included|added|in (?:this|the) (?:chat|group|thread)|on (?:this|the) (?:chat|thread|group))',
      '(?:cc(?:ing|d)?|copying|including|looping in) (?:your |ur |all |the )?(?:parents|guardians)',
      'parents (?:can|will) see (?:this|all)',
    ],
    es: ['(?:padres|papas|madres) (?:estan )?(?:en el grupo|en copia|incluidos)', 'grupo (?:del equipo|de padres)'],
    de: ['(?:eltern|erziehungsberechtigte) (?:sind )?(?:in der gruppe|im chat|in kopie|in cc|mit drin)', 'elterngruppe'],
  },
};

function YOURE(): string {
  return '(?:youre|ur|you r|u r|u are)';
}

export interface CompiledPattern {
  readonly type: SignalType | ContextCue;
  readonly re: RegExp;
}

/**
 * One RegExp per tactic: all languages' alternatives, word-bounded. This is the reference meaning
 * of the lexicon; the scorer runs the faster first-word index (lexicon-index.ts), which a test
 * holds to exactly these results.
 */
export function compileLexicon(): CompiledPattern[] {
  return (Object.keys(LEXICON) as (SignalType | ContextCue)[]).map((type) => {
    const entry = LEXICON[type];
    const source = alt(...entry.en, ...entry.es, ...entry.de);
    return { type, re: new RegExp(`\\b(?:${source})(?![a-z0-9])`) };
  });
}
