/** A rule as codified in the shared seed catalogue (regulation → machine-checkable rule). */
export interface SeedRule {
  readonly id: string;
  readonly title: string;
  readonly sources: readonly string[];
  readonly appliesTo: string;
  readonly requirement: string;
  readonly test: string;
  readonly confidence: string;
}

/** A rule in Safeguard's catalogue: a seed rule or one of Safeguard's own platform rules. */
export interface CatalogueRule extends SeedRule {
  /** Bumped whenever Safeguard's encoding of the rule changes meaning. */
  readonly version: number;
  readonly origin: 'seed' | 'safeguard';
}
