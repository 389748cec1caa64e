/**
 * The demo's cast and starting data, created through Safeguard's API (idempotent, so a restart
 * changes nothing): profiles for the accounts `safeguard serve --demo` seeds (a 12-year-old with a
 * parent, a 15-year-old with a 19-year-old friend, an adult stranger), a classmate for the child,
 * a small simulated population from the simulator for "people you may know", and a few
 * conversations in the project's own synthetic words:
 *  - the classmate and the child chat about homework (delivered normally);
 *  - the 19-year-old writes to the 15-year-old with flattery, secrecy and a move to another app,
 *    so Safeguard's detection shows the teen a safety check (and the console gets an alert);
 *  - the stranger tries to message and to connect with the child: refused, with the explanation.
 */
import { createPopulation } from '../sim/simulate.js';
import { generatePopulation } from '../sim/population.js';
import type { DemoPlatform } from './platform.js';

export const CAST = {
  child: 'demo-child-12',
  parent: 'demo-parent',
  teen: 'demo-teen-15',
  friend: 'demo-friend',
  stranger: 'demo-stranger',
  classmate: 'demo-classmate-12',
} as const;

export interface DemoCast {
  /** Accounts to sign in as, in the order the sign-in page lists them. */
  readonly people: readonly string[];
}

function birthDate(years: number, today = new Date()): string {
  return new Date(Date.UTC(today.getUTCFullYear() - years, today.getUTCMonth() - 4, 15)).toISOString().slice(0, 10);
}

/** Minutes before now, for seeded messages in a plausible order. */
const ago = (minutes: number): Date => new Date(Date.now() - minutes * 60_000);

export async function seedDemoPlatform(platform: DemoPlatform, options: { full: boolean }): Promise<DemoCast> {
  const sg = platform.safeguard;
  platform.addProfile({ id: CAST.child, name: 'Lily (12)', about: 'Year 7. Drawing, swimming and Minecraft.', role: 'the demo child: 12, her mum is her linked guardian' });
  platform.addProfile({ id: CAST.parent, name: 'Sarah (Lily’s mum)', about: 'Parent. Runs the school book club.', role: "Lily's parent (linked guardian)" });
  platform.addProfile({ id: CAST.classmate, name: 'Ava (12)', about: 'In Lily’s class. Football and baking.', role: "Lily's classmate (connected)" });
  platform.addProfile({ id: CAST.teen, name: 'Josh (15)', about: 'Year 10. Guitar and Rocket League.', role: '15, connected to Dan' });
  platform.addProfile({ id: CAST.friend, name: 'Dan (19)', about: 'Plays in a band. Says he is a friend of the family.', role: '19, connected to Josh' });
  platform.addProfile({ id: CAST.stranger, name: 'Mark (34)', about: 'Likes drawing and games.', role: 'an adult stranger to everyone' });

  // The classmate is the demo app's own addition to the cast Safeguard's demo seed made.
  await sg.putAccountsById({ params: { id: CAST.classmate }, body: { birthDate: birthDate(12), jurisdiction: 'UK', ageAssurance: { method: 'guardian-confirmed' } } });
  const lilys = await platform.connections(CAST.child);
  if (!lilys.some((c) => c.accountId === CAST.classmate && c.state === 'accepted')) {
    await sg.postConnectionsByAction({ params: { action: 'request' }, body: { actor: CAST.classmate, target: CAST.child } });
    await sg.postConnectionsByAction({ params: { action: 'accept' }, body: { actor: CAST.child, target: CAST.classmate } });
  }

  await platform.seedText('playground-seed-1', CAST.classmate, CAST.child, 'did you finish the maths homework?', ago(95));
  await platform.seedText('playground-seed-2', CAST.child, CAST.classmate, 'nearly, question 3 is so hard', ago(93));
  await platform.seedText('playground-seed-3', CAST.classmate, CAST.child, 'want to go to the library on saturday? my mum can drive us', ago(90));

  await platform.seedText('playground-seed-10', CAST.friend, CAST.teen, 'hey how was the match', ago(80));
  await platform.seedText('playground-seed-11', CAST.teen, CAST.friend, 'we won 2-1!', ago(78));
  await platform.seedText('playground-seed-12', CAST.friend, CAST.teen, 'nice. honestly you seem so mature for your age', ago(75));
  await platform.seedText('playground-seed-13', CAST.friend, CAST.teen, "don't tell your parents we talk ok, this is just between us", ago(70));
  await platform.seedText('playground-seed-14', CAST.friend, CAST.teen, 'do you have snapchat? add me there, its more private', ago(68));

  // The stranger's attempts on the child: Safeguard refuses both; the child's home page shows why.
  if (!platform.refused.some((r) => r.from === CAST.stranger && r.to === CAST.child)) {
    await platform.sendText(CAST.stranger, CAST.child, 'hi! i saw your drawings, you are really talented', false, ago(60));
    await platform.requestConnection(CAST.stranger, CAST.child, false);
  }

  const people: string[] = [CAST.child, CAST.parent, CAST.classmate, CAST.teen, CAST.friend, CAST.stranger];
  if (options.full) {
    // "People you may know": a small population from the simulator (same generator, its own seed).
    const population = generatePopulation({ accounts: 24, seed: 'playground', asOf: new Date().toISOString().slice(0, 10), prefix: 'pg-' });
    const benign = { ...population, accounts: population.accounts.filter((a) => a.kind !== 'groomer' && a.kind !== 'spammer') };
    const ids = new Set(benign.accounts.map((a) => a.id));
    await createPopulation(sg, { ...benign, friendships: population.friendships.filter(([a, b]) => ids.has(a) && ids.has(b)) });
    const about: Record<string, string> = { child: 'Primary school. Games and drawing.', teen: 'Secondary school. Music and sport.', parent: 'Parent.', adult: 'Into football, films and cooking.' };
    for (const a of benign.accounts) platform.addProfile({ id: a.id, name: a.displayName, about: about[a.kind] ?? '' });
  }
  return { people };
}
