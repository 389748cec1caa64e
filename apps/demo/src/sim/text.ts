/**
 * Synthetic message text for the simulator and the demo, written for this project (never taken
 * from the detection training or evaluation data). Benign chat in four languages about games,
 * homework, school, sport and family — including the innocent phrases that look like tactics
 * ("don't tell dad about the surprise", "send me a pic of the homework", "I'll pick you up") so
 * false alerts are measured honestly — and scripted grooming tactics in the three languages the
 * detector's lexicon covers, kept non-explicit: trust, age probing, isolation, secrecy, moving
 * off-platform, gifts, picture requests, meeting. Spam lines advertise fake giveaways.
 *
 * `{game}`, `{subject}`, `{place}`, `{name}`, `{time}`, `{day}`, `{age}` are filled by `fill`.
 */

export type Language = 'en' | 'es' | 'de' | 'fr';
export const LANGUAGES: readonly Language[] = ['en', 'es', 'de', 'fr'];

/** Stages a scripted groomer goes through, in order; `null` tactic = rapport building. */
export const TACTIC_STAGES = [
  'rapport',
  'flattery',
  'age-probe',
  'isolation-probe',
  'secrecy',
  'off-platform-move',
  'gift-offer',
  'media-request',
  'meeting',
] as const;
export type TacticStage = (typeof TACTIC_STAGES)[number];

export type BenignTopic = 'games' | 'homework' | 'school' | 'family' | 'sport' | 'plans' | 'tricky';

const VOCAB: Record<Language, { game: string[]; subject: string[]; place: string[]; day: string[]; time: string[] }> = {
  en: {
    game: ['Minecraft', 'Roblox', 'Fortnite', 'Mario Kart', 'Rocket League', 'Stardew Valley', 'chess'],
    subject: ['maths', 'science', 'history', 'French', 'geography', 'art'],
    place: ['the park', 'the library', 'the pool', 'the cinema', 'grandma\'s', 'football practice'],
    day: ['Monday', 'Tuesday', 'Friday', 'Saturday', 'Sunday'],
    time: ['4', '5', 'half 6', '7'],
  },
  es: {
    game: ['Minecraft', 'Roblox', 'Fortnite', 'Mario Kart', 'FIFA', 'Among Us'],
    subject: ['mates', 'ciencias', 'historia', 'ingles', 'lengua'],
    place: ['el parque', 'la biblioteca', 'la piscina', 'casa de la abuela', 'el entrenamiento'],
    day: ['lunes', 'martes', 'viernes', 'sabado', 'domingo'],
    time: ['4', '5', '6', '7'],
  },
  de: {
    game: ['Minecraft', 'Roblox', 'Fortnite', 'Mario Kart', 'FIFA', 'Schach'],
    subject: ['Mathe', 'Bio', 'Englisch', 'Deutsch', 'Erdkunde'],
    place: ['den Park', 'die Bibliothek', 'das Schwimmbad', 'Oma', 'das Training'],
    day: ['Montag', 'Dienstag', 'Freitag', 'Samstag', 'Sonntag'],
    time: ['4', '5', '6', '7'],
  },
  fr: {
    game: ['Minecraft', 'Roblox', 'Fortnite', 'Mario Kart', 'FIFA', 'les echecs'],
    subject: ['maths', 'SVT', 'histoire', 'anglais', 'francais'],
    place: ['le parc', 'la mediatheque', 'la piscine', 'chez mamie', 'l\'entrainement'],
    day: ['lundi', 'mardi', 'vendredi', 'samedi', 'dimanche'],
    time: ['16h', '17h', '18h', '19h'],
  },
};

/** Lines between friends of any age, by topic. */
const BENIGN: Record<Language, Record<BenignTopic, string[]>> = {
  en: {
    games: [
      'did you finish the new {game} level yet',
      'i got stuck on the boss again lol',
      'want to play {game} later?',
      'my little brother deleted my world in {game} noooo',
      'gg that last round was close',
      'the update comes out on {day} i think',
      'i found a secret cave in {game}, come look tomorrow',
    ],
    homework: [
      'what did we have to do for {subject}?',
      'pages 40 to 42 i think',
      'can you send me a pic of the homework sheet, i left mine at school',
      'the {subject} test is on {day} right?',
      'i still dont get question 3',
      'ok thanks, mum is making me finish it before dinner',
      'teacher said we can work in pairs for the project',
    ],
    school: [
      'lunch was so bad today',
      'are you going to the school trip?',
      'we have PE first thing tomorrow ugh',
      'did you see what happened in assembly haha',
      'miss said the play rehearsal is after school on {day}',
    ],
    family: [
      'mum says dinner at {time}',
      'can you get milk on the way home',
      'grandma is coming on {day}',
      'dont tell dad about the surprise party ok, its his birthday',
      'i\'ll pick you up after football at {time}',
      'is your homework done?',
      'love you, see you tonight',
      'the dog ate my sock again',
    ],
    sport: [
      'training is at {time} on {day}',
      'we won 3 nil!!',
      'coach said bring water and shin pads',
      'are you watching the match tonight',
      'my legs hurt so much after practice',
    ],
    plans: [
      'shall we go to {place} on {day}?',
      'my mum can drive us at {time}',
      'i cant on {day}, maybe next week',
      'see you at {place} with everyone',
      'bring your bike if you want',
    ],
    tricky: [
      'how old is your cousin now?',
      'my sister turned 10 yesterday, we had cake',
      'you are so good at drawing, honestly',
      'video call with grandma later, she finally learned how',
      'keep it a secret from my brother, its his present',
      'what time do your parents get home, we could finish the project at yours',
    ],
  },
  es: {
    games: ['has pasado el nivel nuevo de {game}?', 'jugamos a {game} luego?', 'me he quedado atascado otra vez jaja', 'buena partida, casi ganamos', 'la actualizacion sale el {day}'],
    homework: ['que habia que hacer de {subject}?', 'paginas 40 a 42 creo', 'el examen de {subject} es el {day}?', 'no entiendo el ejercicio 3', 'vale gracias, mi madre dice que primero los deberes'],
    school: ['la comida hoy estaba fatal', 'vas a la excursion?', 'manana tenemos educacion fisica a primera hora', 'el ensayo es el {day} despues de clase'],
    family: ['mama dice que cenamos a las {time}', 'compra pan de camino a casa', 'la abuela viene el {day}', 'no le digas nada a papa de la fiesta sorpresa, es su cumple', 'te recojo despues del entrenamiento a las {time}', 'te quiero, hasta luego'],
    sport: ['el entrenamiento es a las {time} el {day}', 'ganamos 3 a 0!!', 'el entrenador dice que traigas agua', 'vas a ver el partido esta noche?'],
    plans: ['vamos a {place} el {day}?', 'mi madre nos puede llevar a las {time}', 'el {day} no puedo, la semana que viene', 'nos vemos en {place} con todos'],
    tricky: ['cuantos anos tiene tu primo?', 'mi hermana cumplio 10 ayer', 'dibujas genial de verdad', 'videollamada con la abuela luego'],
  },
  de: {
    games: ['hast du das neue {game} level geschafft?', 'spielen wir spater {game}?', 'ich hange schon wieder beim boss fest haha', 'gutes spiel, das war knapp', 'das update kommt am {day}'],
    homework: ['was war in {subject} auf?', 'seite 40 bis 42 glaube ich', 'ist der {subject} test am {day}?', 'ich versteh aufgabe 3 nicht', 'ok danke, mama sagt erst hausaufgaben'],
    school: ['das mittagessen war heute schlimm', 'fahrst du mit auf klassenfahrt?', 'morgen haben wir in der ersten stunde sport', 'die probe ist am {day} nach der schule'],
    family: ['mama sagt essen um {time}', 'bring bitte milch mit', 'oma kommt am {day}', 'sag papa nichts von der uberraschungsparty, er hat geburtstag', 'ich hol dich nach dem training um {time} ab', 'hab dich lieb, bis heute abend'],
    sport: ['training ist am {day} um {time}', 'wir haben 3 zu 0 gewonnen!!', 'der trainer sagt wasser mitbringen', 'schaust du heute das spiel?'],
    plans: ['gehen wir am {day} in {place}?', 'meine mama kann uns um {time} fahren', 'am {day} kann ich nicht, nachste woche?', 'wir sehen uns alle in {place}'],
    tricky: ['wie alt ist dein cousin jetzt?', 'meine schwester ist gestern 10 geworden', 'du zeichnest echt super', 'videoanruf mit oma spater'],
  },
  fr: {
    games: ['t\'as fini le nouveau niveau de {game} ?', 'on joue a {game} ce soir ?', 'je suis encore bloque au boss mdr', 'bien joue, c\'etait serre', 'la mise a jour sort {day}'],
    homework: ['c\'etait quoi les devoirs de {subject} ?', 'pages 40 a 42 je crois', 'le controle de {subject} c\'est {day} ?', 'je comprends pas l\'exercice 3', 'ok merci, maman veut que je finisse avant manger'],
    school: ['la cantine etait horrible aujourd\'hui', 'tu viens a la sortie scolaire ?', 'demain on a sport en premiere heure', 'la repetition c\'est {day} apres les cours'],
    family: ['maman dit qu\'on mange a {time}', 'tu peux prendre du pain en rentrant', 'mamie vient {day}', 'dis rien a papa pour la fete surprise', 'je passe te chercher apres l\'entrainement a {time}', 'bisous, a ce soir'],
    sport: ['l\'entrainement c\'est {day} a {time}', 'on a gagne 3 a 0 !!', 'le coach dit de prendre de l\'eau', 'tu regardes le match ce soir ?'],
    plans: ['on va a {place} {day} ?', 'ma mere peut nous emmener a {time}', '{day} je peux pas, la semaine prochaine ?', 'rendez-vous a {place} avec tout le monde'],
    tricky: ['il a quel age ton cousin ?', 'ma soeur a eu 10 ans hier', 't\'es trop fort en dessin', 'appel video avec mamie tout a l\'heure'],
  },
};

/** Short replies a child gives, including to a stranger pushing too far. */
const CHILD_REPLIES: Record<Language, { easy: string[]; unsure: string[]; age: string[] }> = {
  en: {
    easy: ['haha yeah', 'ok', 'lol', 'same', 'cool', 'idk', 'yeah i play every day after school', 'thanks :)'],
    unsure: ['why do you want to know', 'idk i have to ask my mum', 'thats kind of weird', 'i dont really want to', 'i have to go now'],
    age: ['im {age}', 'i just turned {age}', '{age}, why'],
  },
  es: {
    easy: ['jaja si', 'vale', 'jaja', 'igual', 'guay', 'no se', 'gracias :)'],
    unsure: ['por que quieres saber', 'tengo que preguntar a mi madre', 'eso es un poco raro', 'no quiero', 'me tengo que ir'],
    age: ['tengo {age}', 'cumplo {age} pronto', '{age}, por?'],
  },
  de: {
    easy: ['haha ja', 'ok', 'lol', 'same', 'cool', 'weiss nicht', 'danke :)'],
    unsure: ['warum willst du das wissen', 'da muss ich meine mama fragen', 'das ist komisch', 'will ich nicht', 'ich muss jetzt los'],
    age: ['ich bin {age}', 'ich werde {age}', '{age}, warum'],
  },
  fr: {
    easy: ['mdr oui', 'ok', 'grave', 'cool', 'je sais pas', 'merci :)'],
    unsure: ['pourquoi tu veux savoir', 'faut que je demande a ma mere', 'c\'est bizarre', 'j\'ai pas envie', 'je dois y aller'],
    age: ['j\'ai {age} ans', '{age} ans, pourquoi'],
  },
};

/** Scripted grooming tactics (English, Spanish, German: the languages the lexicon covers). */
const GROOMING: Record<'en' | 'es' | 'de', Record<TacticStage, string[]>> = {
  en: {
    rapport: ['hey! saw you play {game} too', 'whats your favourite map', 'you were really good in that last round', 'i play most evenings, add me as a friend?', 'haha same, school is so boring'],
    flattery: ['you seem really mature for your age', 'you\'re not like the other kids in that server', 'honestly you\'re so special, i can talk to you about anything', 'you seem way older than you are'],
    'age-probe': ['how old are you btw?', 'what grade are you in?', 'are you in middle school still?', 'when is your birthday?'],
    'isolation-probe': ['are your parents home right now?', 'are you home alone after school?', 'do your parents check your phone?', 'your parents don\'t really understand you do they', 'are you in your room?'],
    secrecy: ['this is just between us ok', 'don\'t tell your mum we talk, she wouldn\'t get it', 'can you keep a secret?', 'delete our messages after ok', 'nobody needs to know about our chats'],
    'off-platform-move': ['do you have snapchat? its easier there', 'add me on discord, my name is the same', 'lets move to a more private app', 'whats your phone number, i\'ll text you'],
    'gift-offer': ['i can get you 1000 robux if you want', 'i\'ll buy you the battle pass', 'do you want a gift card? i have spare ones', 'i\'ll send you some vbucks tonight'],
    'media-request': ['send me a selfie so i know you\'re real', 'can i see a pic of you?', 'turn on your camera for a sec', 'show me what you look like today'],
    meeting: ['we should meet up sometime, just us', 'where do you live? maybe i\'m near', 'i could pick you up after school', 'lets meet at the park on {day}, don\'t bring anyone'],
  },
  es: {
    rapport: ['hola! vi que tambien juegas a {game}', 'cual es tu mapa favorito', 'eres muy bueno jugando', 'juego casi todas las tardes, me agregas?'],
    flattery: ['eres muy madura para tu edad', 'no eres como los demas del servidor', 'eres muy especial, contigo puedo hablar de todo', 'pareces mayor'],
    'age-probe': ['cuantos anos tienes?', 'en que curso estas?', 'que edad tienes?'],
    'isolation-probe': ['estas sola en casa?', 'estan tus padres en casa ahora?', 'tus padres revisan tu movil?', 'tus padres no te entienden verdad', 'a que hora vuelven tus padres?'],
    secrecy: ['esto queda entre tu y yo', 'no le digas a nadie que hablamos', 'es nuestro secreto vale', 'borra los mensajes despues', 'nadie tiene que saberlo'],
    'off-platform-move': ['tienes snap? pasame tu snap', 'hablemos por whatsapp mejor', 'dame tu numero y te escribo', 'agregame en discord'],
    'gift-offer': ['te regalo robux si quieres', 'te compro el pase de batalla', 'quieres pavos? tengo de sobra', 'te mando una tarjeta regalo'],
    'media-request': ['mandame una foto tuya', 'enciende la camara un momento', 'quiero verte, mandame un selfie'],
    meeting: ['podriamos vernos en persona', 'donde vives?', 'te recojo despues del cole', 'quedamos el {day} en el parque, ven sola'],
  },
  de: {
    rapport: ['hey! du spielst auch {game}?', 'was ist deine lieblingsmap', 'du bist echt gut im spiel', 'ich spiele fast jeden abend, addest du mich?'],
    flattery: ['du bist so reif fur dein alter', 'du bist nicht wie die anderen im server', 'du bist echt besonders, mit dir kann ich uber alles reden', 'du wirkst viel alter'],
    'age-probe': ['wie alt bist du eigentlich?', 'in welche klasse gehst du?', 'wann hast du geburtstag?'],
    'isolation-probe': ['bist du allein zu hause?', 'sind deine eltern zu hause?', 'kontrollieren deine eltern dein handy?', 'deine eltern verstehen dich nicht oder', 'wann kommen deine eltern heim?'],
    secrecy: ['das bleibt zwischen uns', 'sag deinen eltern nichts davon', 'das ist unser kleines geheimnis', 'losch die nachrichten danach', 'niemand darf das wissen'],
    'off-platform-move': ['hast du snapchat? gib mir deinen snap', 'schreib mir auf whatsapp', 'gib mir deine nummer', 'add mich auf discord'],
    'gift-offer': ['ich kauf dir robux wenn du willst', 'ich schenk dir den battle pass', 'willst du einen gutschein?', 'ich schick dir heute abend vbucks'],
    'media-request': ['schick mir mal ein foto von dir', 'mach kurz die kamera an', 'ich will dich sehen, schick ein selfie'],
    meeting: ['wir sollten uns mal treffen', 'wo wohnst du?', 'ich hol dich nach der schule ab', 'treffen wir uns am {day} im park, komm allein'],
  },
};

/** Spam: fake giveaways and follow-for-follow, to adults and teens alike. */
const SPAM: Record<Language, string[]> = {
  en: ['FREE skins giveaway!! click the link in my bio', 'follow back? f4f', 'win a new phone, just enter your details on my page', 'cheap followers, 1000 for 2 dollars'],
  es: ['SORTEO de skins gratis!! link en mi perfil', 'me sigues y te sigo?', 'gana un movil nuevo, entra en mi pagina'],
  de: ['GRATIS skins verlosung!! link in meiner bio', 'folgst du mir zuruck?', 'gewinne ein neues handy, nur auf meiner seite eintragen'],
  fr: ['CONCOURS skins gratuits !! lien dans ma bio', 'tu me suis je te suis ?', 'gagne un nouveau telephone, inscris-toi sur ma page'],
};

export interface Rng {
  next(): number;
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  chance(p: number): boolean;
}

/** Fills the placeholders of a template from the language's vocabulary. */
export function fill(template: string, language: Language, rng: Rng, values: { name?: string; age?: number } = {}): string {
  const vocab = VOCAB[language];
  return template.replace(/\{(game|subject|place|day|time|name|age)\}/g, (_m, key: string) => {
    if (key === 'name') return values.name ?? '';
    if (key === 'age') return String(values.age ?? 12);
    return rng.pick(vocab[key as 'game' | 'subject' | 'place' | 'day' | 'time']);
  });
}

export function benignLine(language: Language, topic: BenignTopic, rng: Rng): string {
  return fill(rng.pick(BENIGN[language][topic]), language, rng);
}

export function childReply(language: Language, kind: 'easy' | 'unsure' | 'age', rng: Rng, age: number): string {
  return fill(rng.pick(CHILD_REPLIES[language][kind]), language, rng, { age });
}

/** Languages scripted groomers write in (those the detector's lexicon covers). */
export const GROOMING_LANGUAGES: readonly ('en' | 'es' | 'de')[] = ['en', 'es', 'de'];

export function groomingLine(language: Language, stage: TacticStage, rng: Rng): string {
  const lang = language === 'fr' ? 'en' : language;
  return fill(rng.pick(GROOMING[lang][stage]), lang, rng);
}

export function spamLine(language: Language, rng: Rng): string {
  return rng.pick(SPAM[language]);
}

/** Display names for synthetic profiles, by language. */
export const FIRST_NAMES: Record<Language, string[]> = {
  en: ['Alex', 'Sam', 'Jamie', 'Ruby', 'Oliver', 'Maya', 'Leo', 'Isla', 'Noah', 'Ava', 'Finn', 'Zara', 'Theo', 'Ella', 'Kai', 'Priya'],
  es: ['Lucia', 'Mateo', 'Sofia', 'Hugo', 'Martina', 'Pablo', 'Valeria', 'Diego', 'Carmen', 'Alvaro'],
  de: ['Mia', 'Ben', 'Emma', 'Paul', 'Hannah', 'Jonas', 'Lea', 'Felix', 'Lina', 'Elias'],
  fr: ['Chloe', 'Lucas', 'Manon', 'Hugo', 'Jade', 'Louis', 'Lea', 'Nathan', 'Ines', 'Tom'],
};
