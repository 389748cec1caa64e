/**
 * Per-message signal extraction.
 *
 * Contract: `extractMessageSignals(normalized)` takes text from `normalizeText` and returns which
 * tactics the message shows (each at most once), which benign context cues it carries, an age the
 * speaker states about themselves (5..99) if any, and the kind of contact detail it shares
 * (phone number, e-mail, handle). Pure, allocation-light, and bounded by the normalised length.
 */
import { SIGNAL_TYPES, CONTEXT_CUES, type ContextCue, type SignalType } from './lexicon.js';
import { buildLexiconIndex, lexiconMatches } from './lexicon-index.js';

export type ContactKind = 'app' | 'phone' | 'email' | 'handle';

export interface MessageSignals {
  readonly types: readonly SignalType[];
  readonly cues: readonly ContextCue[];
  /** Age the speaker states about themselves ("im 13", "tengo 14 años"), or null. */
  readonly disclosedAge: number | null;
  /** What kind of off-platform contact detail the message carries, if any. */
  readonly contact: ContactKind | null;
}

const INDEX = buildLexiconIndex();
const SIGNAL_ENTRIES = INDEX.types.flatMap((t, i) => (t !== 'age-disclosure' && (SIGNAL_TYPES as readonly string[]).includes(t) ? [i] : []));
const CUE_ENTRIES = INDEX.types.flatMap((t, i) => ((CONTEXT_CUES as readonly string[]).includes(t) ? [i] : []));
const MATCHED = new Uint8Array(INDEX.types.length);

// Self-stated ages, each with one capture group. Units after the number rule out "im 5 min away".
const AGE_PATTERNS: readonly RegExp[] = [
  /(?:^|[^a-z0-9])(?:i am|im|iam|i m|ich bin|tengo|soy de) (\d{1,2})(?= ?(?:yo|y\/o|yrs?|years?|anos?|jahre?|$|[?!.,]| and| y| und| too| also| tambien| auch| lol| haha| btw| f\b| m\b))/,
  /(?:^|[^a-z0-9])(\d{1,2}) ?(?:yo|y\/o|yrs old|years old|year old|jahre alt|anos de edad)(?![a-z0-9])/,
  /(?:^|[^a-z0-9])(\d{1,2}) ?\/ ?[mf](?![a-z0-9])/,
  /(?:^|[^a-z0-9])(?:just turned|turning|cumplo|cumpli|ich werde|bin gerade) (\d{1,2})(?![0-9])/,
];
const AGE_HINT = /\d/;

const PHONE = /(?:^|[^0-9a-z])\+?\d{7,15}(?![0-9])/;
const EMAIL = /[a-z0-9._+-]{2,}(?:@| at | @ )(?:gmail|yahoo|hotmail|outlook|icloud|gmx|web|proton|protonmail|aol|live|mail|[a-z0-9-]+)(?:\.| dot | \. )(?:com|de|es|net|org|me|co|uk|mx|ar|at|ch)(?![a-z])/;
const HANDLE = /(?:^|\s)@[a-z0-9_.]{3,30}(?![a-z0-9_])|[a-z0-9_.]{2,32}#\d{4}(?!\d)/;

// An age that follows a word about someone else in the same message ("happy birthday, 10 years
// old!", "you just turned 13", "my son is 12 yo") is not the speaker's own: a grandmother's
// birthday wish must not read as an adult claiming to be ten.
const OTHER_PERSON = /(?:^|[^a-z0-9])(?:you|u|ya|your|ur|youre|yours|he|hes|she|shes|they|his|her|him|son|daughter|kid|kids|boy|girl|baby|brother|sister|cousin|nephew|niece|grandson|granddaughter|birthday|bday|cumple|cumpleanos|tu|eres|hijo|hija|nieto|nieta|er|sie|dein|deine|du|sohn|tochter|enkel|geburtstag)(?![a-z0-9])/;
const FIRST_PERSON_PATTERNS = 1;

/** Age in 5..99 stated by the speaker about themselves, or null. */
export function extractDisclosedAge(normalized: string): number | null {
  if (!AGE_HINT.test(normalized)) return null;
  for (let k = 0; k < AGE_PATTERNS.length; k += 1) {
    const m = AGE_PATTERNS[k]?.exec(normalized);
    if (m?.[1] !== undefined) {
      const age = Number(m[1]);
      // Patterns after the first ("13 yo", "13/f", "turning 13") carry no pronoun of their own.
      if (k >= FIRST_PERSON_PATTERNS && OTHER_PERSON.test(normalized.slice(0, m.index + m[0].indexOf(m[1])))) continue;
      if (age >= 5 && age <= 99) return age;
    }
  }
  return null;
}

/** Which tactics, cues, stated age and contact detail one normalised message carries. */
export function extractMessageSignals(normalized: string): MessageSignals {
  const types: SignalType[] = [];
  const cues: ContextCue[] = [];
  let contact: ContactKind | null = null;
  if (normalized.length < 2) return { types, cues, disclosedAge: null, contact };
  const matched = lexiconMatches(INDEX, normalized, MATCHED);
  for (const e of SIGNAL_ENTRIES) if (matched[e] === 1) types.push(INDEX.types[e] as SignalType);
  if (types.includes('off-platform-move')) contact = 'app';
  const hasDigit = AGE_HINT.test(normalized);
  if (hasDigit && PHONE.test(normalized)) contact = 'phone';
  else if (normalized.includes('@') || normalized.includes(' at ')) {
    if (EMAIL.test(normalized)) contact = 'email';
    else if (HANDLE.test(normalized)) contact = 'handle';
  } else if (normalized.includes('#') && HANDLE.test(normalized)) contact = 'handle';
  if (contact !== null && contact !== 'app' && !types.includes('off-platform-move')) types.push('off-platform-move');
  for (const e of CUE_ENTRIES) if (matched[e] === 1) cues.push(INDEX.types[e] as ContextCue);
  const disclosedAge = hasDigit ? extractDisclosedAge(normalized) : null;
  if (disclosedAge !== null) types.push('age-disclosure');
  return { types, cues, disclosedAge, contact };
}
