/**
 * Maximum penalties a regulator may impose, as pure functions of the figures the regulator
 * determines (REGULATION.md §9). These are statutory CAPS: the actual fine depends on the
 * regulator's penalty guidance (seriousness, duration, cooperation). Every result cites the
 * provisions it applies, with the confidence tag of the research (P = primary text read,
 * S = secondary source, R = background knowledge to verify), and shows its arithmetic.
 */
import { SafeguardError } from '@safeguard/core';

export interface Citation {
  readonly provision: string;
  readonly text: string;
  readonly confidence: 'P' | 'S' | 'R';
}

export interface PenaltyResult {
  readonly regime: 'UK-OSA' | 'EU-DSA' | 'US-2258A';
  readonly currency: 'GBP' | 'EUR' | 'USD';
  /** The statutory maximum for the inputs given. */
  readonly maximum: number;
  /** How the maximum was reached, in words, with the numbers. */
  readonly basis: string;
  readonly citations: readonly Citation[];
  readonly inputs: Readonly<Record<string, unknown>>;
}

const money = (n: number, currency: string): string =>
  `${currency === 'GBP' ? '£' : currency === 'EUR' ? '€' : '$'}${n.toLocaleString('en-GB', { maximumFractionDigits: 2 })}`;

function nonNegative(name: string, value: number | undefined): void {
  if (value !== undefined && !(Number.isFinite(value) && value >= 0)) {
    throw new SafeguardError('validation_failed', `${name} must be a non-negative number`, { field: name, value });
  }
}

const round2 = (n: number): number => Math.round(n * 100) / 100;

// ---- UK Online Safety Act 2023, Schedule 13 paragraph 4 -------------------------------------

export const UK_OSA_FIXED_MAXIMUM_GBP = 18_000_000;

export interface UkOsaInput {
  /**
   * Qualifying worldwide revenue (GBP) of the most recent complete accounting period; omit when the
   * provider has no complete accounting period (then Ofcom's estimate for the first period applies
   * if given, otherwise the fixed amount).
   */
  readonly qualifyingWorldwideRevenue?: number;
  /** Length of that accounting period in months (QWR is pro-rated to 12 months). Default 12. */
  readonly accountingPeriodMonths?: number;
  /** Ofcom's estimate of QWR when the first accounting period has not yet ended. */
  readonly estimatedRevenueFirstPeriod?: number;
  /** The person penalised is not the provider (e.g. a senior manager or a third party): £18m cap. */
  readonly notProvider?: boolean;
}

export function ukOsaMaximumPenalty(input: UkOsaInput): PenaltyResult {
  nonNegative('qualifyingWorldwideRevenue', input.qualifyingWorldwideRevenue);
  nonNegative('estimatedRevenueFirstPeriod', input.estimatedRevenueFirstPeriod);
  const months = input.accountingPeriodMonths ?? 12;
  if (!(Number.isFinite(months) && months > 0 && months <= 60)) {
    throw new SafeguardError('validation_failed', 'accountingPeriodMonths must be between 1 and 60', { field: 'accountingPeriodMonths', value: months });
  }
  const citations: Citation[] = [
    { provision: 'OSA 2023 Sch 13 para 4(1)', text: 'Maximum penalty: the greater of £18 million and 10% of the qualifying worldwide revenue of the most recent complete accounting period', confidence: 'P' },
  ];
  const fixed = UK_OSA_FIXED_MAXIMUM_GBP;
  let revenue: number | null = null;
  let basis: string;
  if (input.notProvider) {
    citations.push({ provision: 'OSA 2023 Sch 13 para 4', text: 'Persons other than the provider: £18 million', confidence: 'P' });
    basis = `Not the provider: fixed maximum ${money(fixed, 'GBP')}`;
    return { regime: 'UK-OSA', currency: 'GBP', maximum: fixed, basis, citations, inputs: { ...input } };
  }
  if (input.qualifyingWorldwideRevenue !== undefined) {
    revenue = input.qualifyingWorldwideRevenue;
    if (months !== 12) {
      revenue = (revenue * 12) / months;
      citations.push({ provision: 'OSA 2023 Sch 13 para 4', text: 'QWR of an accounting period other than 12 months is pro-rated to 12 months', confidence: 'P' });
    }
  } else if (input.estimatedRevenueFirstPeriod !== undefined) {
    revenue = input.estimatedRevenueFirstPeriod;
    citations.push({ provision: 'OSA 2023 Sch 13 para 4', text: 'First accounting period not yet ended: 10% of Ofcom’s estimate of QWR', confidence: 'P' });
  } else {
    citations.push({ provision: 'OSA 2023 Sch 13 para 4', text: 'No accounting period: £18 million', confidence: 'P' });
  }
  citations.push({ provision: 'Online Safety Act 2023 (Qualifying Worldwide Revenue) Regulations 2025', text: 'Revenue referable to the regulated service worldwide; group revenue may count for joint penalties', confidence: 'S' });
  citations.push({ provision: 'OSA 2023 Sch 13 para 4', text: 'Single and daily penalties for the same failure count together against the cap', confidence: 'P' });
  const tenPercent = revenue === null ? null : round2(revenue * 0.1);
  const maximum = tenPercent === null ? fixed : Math.max(fixed, tenPercent);
  basis =
    tenPercent === null
      ? `No revenue figure: fixed maximum ${money(fixed, 'GBP')}`
      : `greater of ${money(fixed, 'GBP')} and 10% × ${money(round2(revenue!), 'GBP')} = ${money(tenPercent, 'GBP')}: ${money(maximum, 'GBP')}`;
  return { regime: 'UK-OSA', currency: 'GBP', maximum, basis, citations, inputs: { ...input } };
}

// ---- EU Digital Services Act, Arts 52 and 74 ------------------------------------------------

export type DsaInfringement = 'obligation' | 'information' | 'periodic';

export interface EuDsaInput {
  /** Annual worldwide turnover (EUR) of the provider in the preceding financial year. */
  readonly annualWorldwideTurnover: number;
  /**
   * 'obligation': an infringement of a DSA obligation (≤ 6%); 'information': incorrect,
   * incomplete or misleading information, failure to reply or rectify, or to submit to an
   * inspection (≤ 1%); 'periodic': a periodic penalty per day (≤ 5% of average daily turnover).
   */
  readonly infringement: DsaInfringement;
  /** For periodic penalties: days of continued non-compliance (default 1). */
  readonly days?: number;
  /** 'member-state' (Art 52, Digital Services Coordinators) or 'commission' (Arts 74 and 76, VLOPs/VLOSEs). */
  readonly enforcer?: 'member-state' | 'commission';
}

export function euDsaMaximumPenalty(input: EuDsaInput): PenaltyResult {
  nonNegative('annualWorldwideTurnover', input.annualWorldwideTurnover);
  const days = input.days ?? 1;
  if (!(Number.isInteger(days) && days >= 1 && days <= 3660)) {
    throw new SafeguardError('validation_failed', 'days must be a whole number between 1 and 3660', { field: 'days', value: days });
  }
  const commission = input.enforcer === 'commission';
  const turnover = input.annualWorldwideTurnover;
  const articles = commission ? { fines: 'DSA Art 74', periodic: 'DSA Art 76' } : { fines: 'DSA Art 52(3)', periodic: 'DSA Art 52(4)' };
  const citations: Citation[] = [];
  let maximum: number;
  let basis: string;
  switch (input.infringement) {
    case 'obligation':
      maximum = round2(turnover * 0.06);
      basis = `6% × ${money(turnover, 'EUR')} annual worldwide turnover = ${money(maximum, 'EUR')}`;
      citations.push({ provision: commission ? 'DSA Art 74(1)' : 'DSA Art 52(3)', text: 'Failure to comply with an obligation: up to 6% of the annual worldwide turnover in the preceding financial year', confidence: 'R' });
      break;
    case 'information':
      maximum = round2(turnover * 0.01);
      basis = `1% × ${money(turnover, 'EUR')} annual worldwide turnover = ${money(maximum, 'EUR')}`;
      citations.push({
        provision: commission ? 'DSA Art 74(2)' : 'DSA Art 52(3)',
        text: 'Incorrect, incomplete or misleading information, failure to reply or rectify, failure to submit to an inspection: up to 1% of annual income or worldwide turnover',
        confidence: 'R',
      });
      break;
    case 'periodic': {
      const daily = round2((turnover / 365) * 0.05);
      maximum = round2(daily * days);
      basis = `5% × average daily turnover (${money(turnover, 'EUR')} / 365 = ${money(round2(turnover / 365), 'EUR')}) = ${money(daily, 'EUR')} per day × ${days} day(s) = ${money(maximum, 'EUR')}`;
      citations.push({ provision: articles.periodic, text: 'Periodic penalty payments: up to 5% of the average daily worldwide turnover or income in the preceding financial year, per day', confidence: 'R' });
      break;
    }
    default:
      throw new SafeguardError('validation_failed', 'infringement must be one of obligation, information, periodic', { field: 'infringement', value: input.infringement as unknown });
  }
  if (commission) citations.push({ provision: 'DSA Arts 51(3), 82', text: 'Last resort: temporary restriction of access ordered through a national court', confidence: 'R' });
  return { regime: 'EU-DSA', currency: 'EUR', maximum, basis, citations, inputs: { ...input, days, enforcer: input.enforcer ?? 'member-state' } };
}

// ---- US 18 USC 2258A(e) ----------------------------------------------------------------------

export const US_2258A_LARGE_PROVIDER_MAU = 100_000_000;

export interface Us2258aInput {
  /** Monthly active users of the provider. */
  readonly monthlyActiveUsers: number;
  /** Earlier knowing and wilful failures to report (0 = this is the first). */
  readonly priorFailures?: number;
}

export function us2258aMaximumFine(input: Us2258aInput): PenaltyResult {
  nonNegative('monthlyActiveUsers', input.monthlyActiveUsers);
  const prior = input.priorFailures ?? 0;
  if (!(Number.isInteger(prior) && prior >= 0)) {
    throw new SafeguardError('validation_failed', 'priorFailures must be a whole number ≥ 0', { field: 'priorFailures', value: prior });
  }
  const large = input.monthlyActiveUsers >= US_2258A_LARGE_PROVIDER_MAU;
  const first = prior === 0;
  const maximum = first ? (large ? 850_000 : 600_000) : large ? 1_000_000 : 850_000;
  const size = large ? '≥ 100,000,000 monthly active users' : '< 100,000,000 monthly active users';
  return {
    regime: 'US-2258A',
    currency: 'USD',
    maximum,
    basis: `${first ? 'First' : 'Subsequent'} knowing and wilful failure to report, provider with ${size}: up to ${money(maximum, 'USD')}`,
    citations: [
      { provision: '18 USC 2258A(e)', text: 'Knowing and wilful failure to report: first ≤ $850,000 (≥ 100M MAU) / $600,000 (< 100M MAU); subsequent ≤ $1,000,000 / $850,000', confidence: 'P' },
      { provision: 'REPORT Act 2024 (Pub. L. 118-59) §4(a)(2)', text: 'Raised the fines from $150,000 / $300,000', confidence: 'P' },
    ],
    inputs: { ...input, priorFailures: prior },
  };
}

export type PenaltyRequest =
  | ({ readonly regime: 'UK-OSA' } & UkOsaInput)
  | ({ readonly regime: 'EU-DSA' } & EuDsaInput)
  | ({ readonly regime: 'US-2258A' } & Us2258aInput);

/** One entry point for the CLI and HTTP API. */
export function calculatePenalty(request: PenaltyRequest): PenaltyResult {
  switch (request.regime) {
    case 'UK-OSA': {
      const { regime: _r, ...input } = request;
      return ukOsaMaximumPenalty(input);
    }
    case 'EU-DSA': {
      const { regime: _r, ...input } = request;
      return euDsaMaximumPenalty(input);
    }
    case 'US-2258A': {
      const { regime: _r, ...input } = request;
      return us2258aMaximumFine(input);
    }
    default:
      throw new SafeguardError('validation_failed', 'regime must be one of UK-OSA, EU-DSA, US-2258A', { regime: (request as { regime?: unknown }).regime });
  }
}
