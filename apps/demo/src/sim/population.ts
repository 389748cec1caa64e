/**
 * A deterministic synthetic population and the script of what it does over D days.
 *
 * Contract: `generatePopulation(options)` and `generateScript(population, options)` are pure
 * functions of their options — the same seed, size, days and `asOf` date give the same accounts,
 * the same relationships and the same messages with the same timestamps, byte for byte (tested).
 * Nothing here talks to Safeguard: the driver (simulate.ts) plays the script against the public API
 * and lets Safeguard's answers decide what actually happens (a refused request is not retried; a
 * message the platform is told not to send is not sent).
 *
 * Who lives here: children (under 13) and teens (13–15, 16–17) in school and club friend groups,
 * parents linked to their children as guardians, other adults in their own circles, a few groomers
 * (some declaring themselves 13–15 to look like a peer, some adults working through a parent they
 * befriended, all following the project-written tactic stages in text.ts), and spammers. Activity
 * follows time-of-day rhythms per kind of account: children after school and at weekends, adults
 * around work hours and in the evening, groomers late in the evening.
 */
import {
  FIRST_NAMES,
  GROOMING_LANGUAGES,
  LANGUAGES,
  TACTIC_STAGES,
  benignLine,
  childReply,
  groomingLine,
  spamLine,
  type BenignTopic,
  type Language,
  type Rng,
  type TacticStage,
} from './text.js';

export type PersonaKind = 'child' | 'teen' | 'adult' | 'parent' | 'groomer' | 'spammer';
export type Band = 'under13' | '13-15' | '16-17' | 'adult';
export type Jurisdiction = 'UK' | 'EU' | 'US' | 'other';

export interface SimAccount {
  readonly id: string;
  readonly kind: PersonaKind;
  readonly displayName: string;
  /** Real age (a groomer impersonating a teen is an adult whatever it declares). */
  readonly age: number;
  /** The band the account's age evidence gives Safeguard. */
  readonly band: Band;
  /** Sent as birthDate; null when the account only declares a band. */
  readonly birthDate: string | null;
  readonly declaredBand: Band | null;
  readonly assurance: 'self-declared' | 'guardian-confirmed' | 'id-document' | 'facial-estimation';
  readonly jurisdiction: Jurisdiction;
  readonly language: Language;
  /** Guardians (parents) of a child or teen. */
  readonly guardians: readonly string[];
  /** For groomers: the tactic style. */
  readonly style?: 'peer-impersonation' | 'adult-via-parent';
}

export interface Population {
  readonly seed: string;
  readonly asOf: string;
  readonly accounts: readonly SimAccount[];
  /** Pairs who are friends on the platform before the simulation starts (requested and accepted in setup). */
  readonly friendships: readonly (readonly [string, string])[];
}

export interface PopulationOptions {
  readonly accounts: number;
  readonly seed: string;
  /** The simulated "today" (YYYY-MM-DD): ages are derived for it; the script ends on it. */
  readonly asOf: string;
  /** Account id prefix, so simulated accounts never collide with a platform's own ids. */
  readonly prefix?: string;
}

export type ScriptEvent =
  | { readonly at: number; readonly type: 'connect'; readonly actor: string; readonly target: string; readonly accept: boolean; readonly guardianApproves: boolean }
  | {
      readonly at: number;
      readonly type: 'message';
      readonly conversationId: string;
      readonly sender: string;
      readonly recipient: string;
      readonly text: string;
      /** The tactic the script meant this message to show (null: benign or rapport). */
      readonly tactic: TacticStage | null;
      readonly idempotencyKey: string;
    }
  | { readonly at: number; readonly type: 'report'; readonly reporter: string; readonly reported: string; readonly conversationId: string; readonly reason: 'grooming' | 'spam' }
  | { readonly at: number; readonly type: 'suggestions'; readonly viewer: string; readonly candidates: readonly string[] };

export interface Script {
  readonly population: Population;
  readonly days: number;
  /** Epoch ms of the first simulated day's midnight (UTC). */
  readonly startsAt: number;
  readonly events: readonly ScriptEvent[];
}

// ---- randomness ---------------------------------------------------------------------------------

/** FNV-1a of a string: the seed of one random stream. */
function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** mulberry32: small, fast and good enough for simulation; one stream per purpose keeps changes local. */
export function createRng(seed: string): Rng {
  let state = hash32(seed);
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(items: readonly T[]): T => {
      if (items.length === 0) throw new Error('pick from an empty list');
      return items[Math.floor(next() * items.length)] as T;
    },
    chance: (p) => next() < p,
  };
}

function shuffle<T>(items: readonly T[], rng: Rng): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i -= 1) {
    const j = Math.floor(rng.next() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

// ---- dates --------------------------------------------------------------------------------------

const DAY_MS = 86_400_000;

function parseDay(day: string): number {
  const ms = Date.parse(`${day}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || Number.isNaN(ms)) throw new Error(`not a date (YYYY-MM-DD): ${day}`);
  return ms;
}

/** A birth date that makes someone exactly `age` on `asOf` (never on a birthday edge). */
function birthDateFor(asOf: string, age: number, rng: Rng): string {
  const today = new Date(parseDay(asOf));
  const birthday = new Date(Date.UTC(today.getUTCFullYear() - age, today.getUTCMonth(), today.getUTCDate()));
  // 2..360 days before this year's birthday: the person is `age` today, not `age + 1`.
  const back = rng.int(2, 360);
  return new Date(birthday.getTime() - back * DAY_MS).toISOString().slice(0, 10);
}

function bandOf(age: number): Band {
  if (age < 13) return 'under13';
  if (age < 16) return '13-15';
  if (age < 18) return '16-17';
  return 'adult';
}

// ---- daily rhythms ------------------------------------------------------------------------------

/** Relative activity per hour of day (UTC stands in for local time), weekdays and weekends. */
const RHYTHMS: Record<PersonaKind, { weekday: readonly number[]; weekend: readonly number[] }> = {
  child: {
    weekday: [0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 1, 0, 0, 2, 4, 5, 5, 4, 2, 1, 0, 0],
    weekend: [0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 3, 3, 3, 3, 3, 3, 4, 4, 3, 2, 1, 0, 0],
  },
  teen: {
    weekday: [1, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 2, 0, 0, 2, 4, 4, 4, 5, 5, 5, 4, 2],
    weekend: [2, 1, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 3, 3, 3, 3, 4, 4, 4, 5, 5, 5, 4, 3],
  },
  adult: {
    weekday: [0, 0, 0, 0, 0, 0, 1, 2, 2, 1, 1, 1, 3, 2, 1, 1, 1, 2, 3, 4, 4, 3, 2, 1],
    weekend: [1, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 3, 3, 3, 3, 3, 3, 3, 3, 4, 4, 3, 2, 1],
  },
  parent: {
    weekday: [0, 0, 0, 0, 0, 0, 1, 3, 2, 1, 1, 1, 2, 1, 1, 2, 3, 3, 3, 3, 2, 2, 1, 0],
    weekend: [0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 3, 3, 3, 2, 2, 2, 2, 3, 3, 3, 2, 1, 1, 0],
  },
  groomer: {
    weekday: [2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 2, 3, 3, 3, 4, 5, 5, 5, 4],
    weekend: [3, 2, 1, 0, 0, 0, 0, 0, 0, 1, 1, 2, 2, 2, 2, 3, 3, 3, 4, 4, 5, 5, 5, 4],
  },
  spammer: {
    weekday: [2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2],
    weekend: [2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2],
  },
};

/** A moment on simulated day `day` at an hour drawn from the rhythm of `kind` (both people must be awake). */
function momentOn(startsAt: number, day: number, kinds: readonly PersonaKind[], rng: Rng): number {
  const dayStart = startsAt + day * DAY_MS;
  const weekend = [0, 6].includes(new Date(dayStart).getUTCDay());
  const weights = Array.from({ length: 24 }, (_, hour) =>
    kinds.reduce((w, k) => w * (weekend ? RHYTHMS[k].weekend[hour] ?? 0 : RHYTHMS[k].weekday[hour] ?? 0), 1),
  );
  const total = weights.reduce((a, b) => a + b, 0);
  let pick = rng.next() * (total > 0 ? total : 24);
  let hour = 0;
  for (; hour < 23; hour += 1) {
    pick -= total > 0 ? (weights[hour] ?? 0) : 1;
    if (pick < 0) break;
  }
  return dayStart + hour * 3_600_000 + rng.int(0, 59) * 60_000 + rng.int(0, 59) * 1000;
}

// ---- population -----------------------------------------------------------------------------------

function languageFor(jurisdiction: Jurisdiction, rng: Rng): Language {
  if (jurisdiction === 'EU') return rng.pick(['de', 'es', 'fr'] as const);
  if (jurisdiction === 'other') return rng.pick(['en', 'es'] as const);
  return 'en';
}

function jurisdictionFor(rng: Rng): Jurisdiction {
  const r = rng.next();
  return r < 0.4 ? 'UK' : r < 0.7 ? 'EU' : r < 0.9 ? 'US' : 'other';
}

export const MIN_ACCOUNTS = 20;

/** The population: who exists, their ages and families, and who is already friends with whom. */
export function generatePopulation(options: PopulationOptions): Population {
  const n = Math.floor(options.accounts);
  if (!Number.isFinite(n) || n < MIN_ACCOUNTS) throw new Error(`--accounts must be at least ${MIN_ACCOUNTS}`);
  parseDay(options.asOf);
  const prefix = options.prefix ?? 'sim-';
  const rng = createRng(`${options.seed}/population`);

  const groomers = Math.max(2, Math.round(n * 0.02));
  const spammers = Math.max(1, Math.round(n * 0.02));
  const children = Math.round(n * 0.2);
  const teens = Math.round(n * 0.2);
  const parents = Math.round(n * 0.18);
  const adults = n - groomers - spammers - children - teens - parents;

  const kinds: PersonaKind[] = [
    ...Array<PersonaKind>(children).fill('child'),
    ...Array<PersonaKind>(teens).fill('teen'),
    ...Array<PersonaKind>(parents).fill('parent'),
    ...Array<PersonaKind>(adults).fill('adult'),
    ...Array<PersonaKind>(groomers).fill('groomer'),
    ...Array<PersonaKind>(spammers).fill('spammer'),
  ];
  // Ids do not reveal the kind: Safeguard must judge behaviour, not names.
  const order = shuffle(kinds.map((_, i) => i), rng);
  const idOf = (i: number): string => `${prefix}u${String((order[i] ?? 0) + 1).padStart(4, '0')}`;

  const accounts: SimAccount[] = [];
  let groomerCount = 0;
  kinds.forEach((kind, i) => {
    const jurisdiction = jurisdictionFor(rng);
    let language = languageFor(jurisdiction, rng);
    let age: number;
    if (kind === 'child') age = rng.int(9, 12);
    else if (kind === 'teen') age = rng.int(13, 17);
    else if (kind === 'parent') age = rng.int(32, 52);
    else if (kind === 'groomer') age = rng.int(24, 55);
    else age = rng.int(18, 70);
    let style: SimAccount['style'];
    if (kind === 'groomer') {
      // Alternate the two styles so even the smallest population has one of each.
      style = groomerCount % 2 === 0 ? 'peer-impersonation' : 'adult-via-parent';
      groomerCount += 1;
      if (!(GROOMING_LANGUAGES as readonly Language[]).includes(language)) language = 'en';
    }
    const impersonating = style === 'peer-impersonation';
    const band = impersonating ? '13-15' : bandOf(age);
    accounts.push({
      id: idOf(i),
      kind,
      displayName: `${rng.pick(FIRST_NAMES[language])} ${String.fromCharCode(65 + rng.int(0, 25))}.`,
      age,
      band,
      birthDate: impersonating ? null : birthDateFor(options.asOf, age, rng),
      declaredBand: impersonating ? '13-15' : null,
      assurance: kind === 'child' ? 'guardian-confirmed' : kind === 'teen' ? rng.pick(['self-declared', 'facial-estimation'] as const) : kind === 'parent' ? 'id-document' : 'self-declared',
      jurisdiction,
      language,
      guardians: [],
      ...(style ? { style } : {}),
    });
  });

  // Families: each parent looks after one or two of the children and teens, in their own language and country.
  const young = accounts.filter((a) => a.kind === 'child' || a.kind === 'teen');
  const guardianOf = new Map<string, string[]>();
  const unparented = shuffle(young, rng);
  const parentsList = accounts.filter((a) => a.kind === 'parent');
  parentsList.forEach((parent, index) => {
    const take = index % 3 === 0 ? 2 : 1;
    for (let k = 0; k < take && unparented.length > 0; k += 1) {
      const child = unparented.pop();
      if (!child) break;
      guardianOf.set(child.id, [parent.id]);
      const at = accounts.indexOf(child);
      accounts[at] = { ...child, guardians: [parent.id], language: parent.language, jurisdiction: parent.jurisdiction };
    }
  });

  // Friend groups: classes of children and teens by band; circles of adults and parents.
  const friendships: [string, string][] = [];
  const seen = new Set<string>();
  const befriend = (a: string, b: string): void => {
    const key = a < b ? `${a}|${b}` : `${b}|${a}`;
    if (a === b || seen.has(key)) return;
    seen.add(key);
    friendships.push([a, b]);
  };
  const groups = (members: readonly SimAccount[], size: number, density: number): void => {
    const shuffled = shuffle(members, rng);
    for (let start = 0; start < shuffled.length; start += size) {
      const group = shuffled.slice(start, start + size);
      for (let x = 0; x < group.length; x += 1) {
        for (let y = x + 1; y < group.length; y += 1) {
          const a = group[x];
          const b = group[y];
          if (a && b && rng.chance(density)) befriend(a.id, b.id);
        }
      }
    }
  };
  const current = (): SimAccount[] => accounts;
  groups(current().filter((a) => a.band === 'under13' && a.kind === 'child'), 6, 0.6);
  groups(current().filter((a) => a.kind === 'teen'), 7, 0.5);
  groups(current().filter((a) => a.kind === 'parent' || a.kind === 'adult'), 6, 0.45);
  // Parents are connected with their own children.
  for (const a of current()) for (const g of a.guardians) befriend(g, a.id);

  return { seed: options.seed, asOf: options.asOf, accounts, friendships };
}

// ---- the script -------------------------------------------------------------------------------------

export interface ScriptOptions {
  readonly days: number;
  /** Scales how much benign chat there is (1 = a few conversations per account per day). */
  readonly intensity?: number;
}

function conversationId(a: string, b: string): string {
  return a < b ? `dm:${a}|${b}` : `dm:${b}|${a}`;
}

const TOPICS_YOUNG: readonly BenignTopic[] = ['games', 'homework', 'school', 'sport', 'plans', 'tricky'];
const TOPICS_ADULT: readonly BenignTopic[] = ['plans', 'sport', 'family', 'tricky', 'games'];

/** What the population does, day by day, as a time-ordered list of events. */
export function generateScript(population: Population, options: ScriptOptions): Script {
  const days = Math.floor(options.days);
  if (!Number.isFinite(days) || days < 1 || days > 365) throw new Error('--days must be between 1 and 365');
  const intensity = options.intensity ?? 1;
  const rng = createRng(`${population.seed}/script/${days}`);
  const startsAt = parseDay(population.asOf) - days * DAY_MS;
  const byId = new Map(population.accounts.map((a) => [a.id, a]));
  const events: ScriptEvent[] = [];
  const counters = new Map<string, number>();
  const key = (conversation: string): string => {
    const n = (counters.get(conversation) ?? 0) + 1;
    counters.set(conversation, n);
    return `${population.seed}:${conversation}:${n}`;
  };
  const message = (at: number, sender: SimAccount, recipient: SimAccount, text: string, tactic: TacticStage | null): void => {
    const conversation = conversationId(sender.id, recipient.id);
    events.push({ at, type: 'message', conversationId: conversation, sender: sender.id, recipient: recipient.id, text, tactic, idempotencyKey: key(conversation) });
  };

  // Benign chat between friends (and parents with their children): a few sessions per pair.
  for (const [a, b] of population.friendships) {
    const x = byId.get(a);
    const y = byId.get(b);
    if (!x || !y) continue;
    const family = x.guardians.includes(y.id) || y.guardians.includes(x.id);
    const young = x.band !== 'adult' && y.band !== 'adult';
    const sessions = Math.round(days * (family ? 0.8 : 0.35) * intensity * (0.5 + rng.next()));
    for (let s = 0; s < sessions; s += 1) {
      const day = rng.int(0, days - 1);
      let at = momentOn(startsAt, day, [x.kind, y.kind], rng);
      const topic: BenignTopic = family ? 'family' : rng.pick(young ? TOPICS_YOUNG : TOPICS_ADULT);
      const language = x.language === y.language ? x.language : 'en';
      const turns = rng.int(2, 6);
      for (let t = 0; t < turns; t += 1) {
        const [from, to] = t % 2 === 0 ? [x, y] : [y, x];
        message(at, from, to, benignLine(language, topic, rng), null);
        at += rng.int(15, 240) * 1000;
      }
    }
  }

  const young = population.accounts.filter((a) => a.kind === 'child' || a.kind === 'teen');
  const parents = population.accounts.filter((a) => a.kind === 'parent');
  const adults = population.accounts.filter((a) => a.kind === 'adult' || a.kind === 'parent');

  // Groomers: make contact, then work through the tactic stages with the children who accepted.
  for (const groomer of population.accounts.filter((a) => a.kind === 'groomer')) {
    const g = createRng(`${population.seed}/groomer/${groomer.id}`);
    const targets: { child: SimAccount; accept: boolean; via?: SimAccount }[] = [];
    if (groomer.style === 'adult-via-parent') {
      // Befriend a parent first; their children then share a connection with the groomer.
      const parent = g.pick(parents.length > 0 ? parents : adults);
      events.push({ at: momentOn(startsAt, 0, ['groomer'], g), type: 'connect', actor: groomer.id, target: parent.id, accept: true, guardianApproves: false });
      for (const child of young.filter((c) => c.guardians.includes(parent.id))) targets.push({ child, accept: g.chance(0.8), via: parent });
      // Blind requests to children they share nobody with: refused by policy, seen by contact-risk.
      for (const child of shuffle(young, g).slice(0, g.int(3, 6))) {
        events.push({ at: momentOn(startsAt, g.int(0, Math.min(1, days - 1)), ['groomer'], g), type: 'connect', actor: groomer.id, target: child.id, accept: g.chance(0.3), guardianApproves: false });
      }
    }
    // A groomer posing as a 13–15-year-old asks teens and children of its "age" directly.
    const pool = shuffle(young.filter((c) => c.language === groomer.language || groomer.language === 'en'), g);
    for (const child of pool.slice(0, g.int(3, 5))) if (!targets.some((t) => t.child.id === child.id)) targets.push({ child, accept: g.chance(0.6) });

    for (const [i, target] of targets.entries()) {
      const requestDay = Math.min(days - 1, Math.floor((i * days) / (targets.length * 3)) + (target.via ? 1 : 0));
      const requestAt = momentOn(startsAt, Math.min(days - 1, requestDay), ['groomer'], g);
      events.push({ at: requestAt, type: 'connect', actor: groomer.id, target: target.child.id, accept: target.accept, guardianApproves: false });
      if (!target.accept) continue;
      // Escalation: one stage every ~day (faster in short simulations), two to four lines per stage.
      const stagesLeft = TACTIC_STAGES.length;
      const span = Math.max(1, days - requestDay - 1);
      let at = requestAt + 3_600_000;
      let reported = false;
      for (const [s, stage] of TACTIC_STAGES.entries()) {
        const day = Math.min(days - 1, requestDay + Math.floor(((s + 1) * span) / stagesLeft));
        at = Math.max(at + 600_000, momentOn(startsAt, day, ['groomer', target.child.kind], g));
        const lines = stage === 'rapport' ? g.int(3, 4) : g.int(1, 2);
        for (let l = 0; l < lines; l += 1) {
          message(at, groomer, target.child, groomingLine(groomer.language, stage, g), stage === 'rapport' ? null : stage);
          at += g.int(20, 180) * 1000;
          const kind = stage === 'age-probe' ? 'age' : ['rapport', 'flattery'].includes(stage) ? 'easy' : g.chance(0.5) ? 'unsure' : 'easy';
          message(at, target.child, groomer, childReply(target.child.language, kind, g, target.child.age), null);
          at += g.int(20, 180) * 1000;
        }
        // Some children report once it gets uncomfortable.
        if (!reported && (stage === 'media-request' || stage === 'meeting') && g.chance(0.25)) {
          reported = true;
          events.push({ at: at + 60_000, type: 'report', reporter: target.child.id, reported: groomer.id, conversationId: conversationId(groomer.id, target.child.id), reason: 'grooming' });
        }
      }
    }
  }

  // Spammers: many requests; giveaway messages to whoever accepts; the odd report.
  for (const spammer of population.accounts.filter((a) => a.kind === 'spammer')) {
    const s = createRng(`${population.seed}/spammer/${spammer.id}`);
    const victims = shuffle(population.accounts.filter((a) => a.kind === 'adult' || a.kind === 'parent' || a.kind === 'teen'), s).slice(0, s.int(6, 12));
    for (const victim of victims) {
      const day = s.int(0, days - 1);
      const at = momentOn(startsAt, day, ['spammer'], s);
      const accept = victim.kind !== 'teen' && s.chance(0.35);
      events.push({ at, type: 'connect', actor: spammer.id, target: victim.id, accept, guardianApproves: false });
      if (!accept) continue;
      message(at + 120_000, spammer, victim, spamLine(victim.language, s), null);
      message(at + 300_000, spammer, victim, spamLine(victim.language, s), null);
      if (s.chance(0.3)) events.push({ at: at + 900_000, type: 'report', reporter: victim.id, reported: spammer.id, conversationId: conversationId(spammer.id, victim.id), reason: 'spam' });
    }
  }

  // Platforms ask before showing suggestions: a few people open the "people you may know" panel each day.
  const everyone = population.accounts;
  for (let day = 0; day < days; day += 1) {
    for (const viewer of shuffle(everyone, rng).slice(0, Math.max(1, Math.round(everyone.length * 0.1)))) {
      const candidates = shuffle(everyone.filter((a) => a.id !== viewer.id), rng).slice(0, 5).map((a) => a.id);
      events.push({ at: momentOn(startsAt, day, [viewer.kind], rng), type: 'suggestions', viewer: viewer.id, candidates });
    }
  }

  // Stable order: by time, then by the order events were written (sort is stable).
  events.sort((a, b) => a.at - b.at);
  return { population, days, startsAt, events };
}

export { LANGUAGES };
