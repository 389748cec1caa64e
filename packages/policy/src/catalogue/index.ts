/**
 * The rule catalogue: the source of truth for every rule id a decision can cite. Seed rules come
 * from the shared regulatory research (../shared/standards/rules.seed.json); Safeguard's own
 * platform rules (SG-*) cover behaviour the law does not name but a platform still needs
 * (enforcing blocks and users' own settings, refusing what cannot be decided).
 */
import type { CatalogueRule } from './types.js';
import { SEED_DIGEST, SEED_RULES } from './seed-rules.generated.js';

export type { CatalogueRule, SeedRule } from './types.js';
export { SEED_DIGEST } from './seed-rules.generated.js';

const SAFEGUARD_RULES: readonly CatalogueRule[] = [
  {
    id: 'SG-01',
    title: "A user's own privacy settings are enforced",
    sources: ['Safeguard platform rule'],
    appliesTo: 'All accounts',
    requirement:
      'Whatever an account has chosen (who may message, find, suggest, or see it) is enforced for every interaction, for adults as for children.',
    test: 'Adult sets messages.from=connections; a non-connected account messages it -> deny citing SG-01.',
    confidence: 'Safeguard',
    version: 1,
    origin: 'safeguard',
  },
  {
    id: 'SG-02',
    title: 'Blocks are enforced in both directions',
    sources: ['Safeguard platform rule', 'PCU J (user controls: block/mute)'],
    appliesTo: 'All accounts',
    requirement: 'When either account has blocked the other, neither can message, request, suggest, find, view or add the other.',
    test: 'A blocks B; B messages A -> deny; A messages B -> deny.',
    confidence: 'Safeguard',
    version: 1,
    origin: 'safeguard',
  },
  {
    id: 'SG-03',
    title: 'Guardian approval of new adult contacts for under-13s',
    sources: ['Safeguard default', 'AADC std 11 (parental controls)', 'COPPA (verifiable parental consent, spirit)'],
    appliesTo: 'Accounts in the under-13 band',
    requirement: 'A connection between an under-13 and an adult who is not their guardian needs a linked guardian to approve it.',
    test: 'Under-13 fixture requests connection with an unrelated adult -> require_guardian.',
    confidence: 'Safeguard',
    version: 1,
    origin: 'safeguard',
  },
];

const SEED_VERSION = 1;

export const RULE_CATALOGUE: readonly CatalogueRule[] = [
  ...SEED_RULES.map((rule) => ({ ...rule, version: SEED_VERSION, origin: 'seed' as const })),
  ...SAFEGUARD_RULES,
];

const byId = new Map(RULE_CATALOGUE.map((rule) => [rule.id, rule]));

export function findRule(id: string): CatalogueRule | undefined {
  return byId.get(id);
}

export function isKnownRuleId(id: string): boolean {
  return byId.has(id);
}

/** Identifies the catalogue build: the seed digest plus Safeguard's own rule versions. */
export const CATALOGUE_VERSION = `seed-${SEED_DIGEST}+sg-${SAFEGUARD_RULES.map((r) => r.version).join('.')}`;
