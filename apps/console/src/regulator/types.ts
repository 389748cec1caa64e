/**
 * What the regulator pages read: the transparency report (format safeguard-transparency/1,
 * computed by the server — GET /v1/transparency), conformance runs, the breach register and
 * penalty caps (apps/server/src/routes/regulator.ts). Only the fields the console shows.
 */

export interface DurationSummary {
  readonly count: number;
  readonly medianHours: number | null;
}

export interface TransparencyReport {
  readonly format: string;
  readonly service: string;
  readonly period: { readonly from: string; readonly to: string; readonly partial?: boolean };
  readonly generatedAt: string;
  readonly empty: boolean;
  readonly eu: {
    readonly orders: { readonly article9: { readonly received: number }; readonly article10: { readonly received: number } };
    readonly notices: { readonly total: { readonly received: number; readonly timeToAction: DurationSummary }; readonly concerningChildren: number };
    readonly ownInitiative: { readonly illegal: { readonly total: { readonly measures_total: number } }; readonly termsAndConditions: { readonly total: { readonly measures_total: number } } };
    readonly decisions: { readonly total: number };
    readonly complaints: {
      readonly received: number;
      readonly upheld: number;
      readonly reversed: number;
      readonly partiallyReversed: number;
      readonly pending: number;
      readonly decisionTime: DurationSummary;
      readonly decidedWithoutHumanReview: number;
    };
    readonly suspensions: { readonly total: number; readonly withoutPriorWarning: number };
    readonly averageMonthlyRecipients: { readonly eu: number | null };
  };
  readonly childSafety: {
    readonly accounts: {
      readonly total: number;
      readonly treatedAsChild: number;
      readonly byBand: Readonly<Record<string, number>>;
      readonly highlyEffectiveAssurance: { readonly children: number; readonly adults: number };
    };
    readonly defaults: { readonly childAccounts: number; readonly kept: number; readonly keptShare: number | null };
    readonly interactions: { readonly deniedByRule: Readonly<Record<string, number>> };
    readonly alerts: { readonly total: number; readonly byKind: Readonly<Record<string, { readonly raised: number; readonly timeToAction: DurationSummary }>> };
    readonly hashMatches: { readonly total: number };
    readonly referrals: { readonly total: number };
  };
  readonly reconciliation: { readonly ok: boolean; readonly checks: readonly { readonly id: string; readonly ok: boolean; readonly description: string }[] };
}

export interface Disclosure {
  readonly id: string;
  readonly kind: 'transparency' | 'breaches' | 'conformance' | 'bundle';
  readonly period: { readonly from: string; readonly to: string } | null;
  readonly reference: string | null;
  readonly createdAt: string;
  readonly revokedAt: string | null;
}

export type ConformanceStatus = 'pass' | 'fail' | 'not-applicable';

export interface ConformanceRun {
  readonly id: string;
  readonly target: string;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly summary: { readonly pass: number; readonly fail: number; readonly notApplicable: number };
  readonly results: readonly {
    readonly ruleId: string;
    readonly title: string;
    readonly status: ConformanceStatus;
    readonly reason: string;
    readonly evidence: readonly { readonly request: { readonly method: string; readonly path: string; readonly body?: unknown }; readonly response: unknown; readonly note?: string }[];
  }[];
  readonly storedAt: string;
}

export interface PenaltyResult {
  readonly regime: string;
  readonly currency: string;
  readonly maximum: number;
  readonly basis: string;
  readonly citations: readonly { readonly provision: string; readonly text: string; readonly confidence: string }[];
}

export interface Breach {
  readonly id: string;
  readonly ruleId: string;
  readonly status: 'open' | 'provisional' | 'confirmed' | 'remedied' | 'closed';
  readonly period: { readonly from: string; readonly to: string };
  readonly summary: string;
  readonly evidence: readonly { readonly kind: string; readonly reference: string; readonly sha256?: string; readonly description: string }[];
  readonly penaltyResult: PenaltyResult | null;
  readonly history: readonly { readonly at: string; readonly status: string; readonly by: string; readonly note: string | null }[];
  readonly recordedAt: string;
}
