/**
 * Platform age facts as risk priors.
 *
 * Contract: `agePrior(subject, others, cues)` returns an additive term in logit units and the
 * reasons for it. The training data carries no ages, so these terms cannot be learned from it;
 * they are stated priors, documented here and in docs/detection.md, and are added after
 * calibration. The reasoning: grooming needs an older person and a child, so an adult privately
 * messaging an unrelated child raises risk, an adult posing as a child raises it sharply, while a
 * child among same-age children, or a conversation among adults only, lowers it. Family and
 * supervision cues lower risk for everyone in the conversation.
 */
import { CHILD_BANDS, type AgeBand } from '@safeguard/core';

export interface AgeFacts {
  readonly age: number | null;
  readonly declaredAge: number | null;
  readonly band: AgeBand | null;
  /** Lowest age the participant stated about themselves in text (weaker than platform facts). */
  readonly statedAge: number | null;
}

/** Logit-unit priors. Changing one changes behaviour on every platform: keep them documented. */
export const AGE_PRIORS = {
  /** An adult in a conversation whose only other members are children. */
  adultWithChildren: 0.8,
  /** ...and the conversation is private (one child). */
  privateWithChild: 0.4,
  /** ...and the age gap to the youngest child is at least 10 years. */
  largeAgeGap: 0.3,
  /** An adult in a group that also has other adults and children (a coach with parents present). */
  adultInMixedGroup: 0,
  /** Only adults take part: child grooming needs a child. */
  adultsOnly: -2.0,
  /** Platform knows an adult, but the account declares or states a child's age. */
  impersonation: 2.0,
  /** The subject is a child. */
  childSubject: -1.5,
  /** ...and every other participant is a child within 4 years of the subject. */
  peers: -1.0,
  /** Unknown platform age, but the subject states an adult age while another states a child's. */
  statedAdultWithChild: 0.5,
  /** Unknown platform age, and the subject states a child's age. */
  statedChild: -0.5,
  /** Family cue in the conversation ("thanks mum", "love, grandma"). */
  family: -2.5,
  /** Parents or guardians explicitly included ("parents are cc'd"). */
  supervision: -1.5,
  /**
   * The subject (an adult) named a relative as their own ("don't tell dad", "grandad wants to see
   * it"). Weaker than a family cue: a neighbour may say "mum" too.
   */
  kinReference: -1.0,
  /** The secret in the conversation is a surprise for someone else ("surprise party for your mum"). */
  thirdPartySurprise: -1.0,
} as const;

export type AgeReason = keyof typeof AGE_PRIORS;

const BAND_AGE: Record<AgeBand, number | null> = { under13: 11, '13-15': 14, '16-17': 16.5, adult: 30, unknown: null };

/** Best known age: platform age, else the band's typical age, else null. */
export function platformAge(f: AgeFacts): number | null {
  if (f.age !== null) return f.age;
  if (f.band !== null) return BAND_AGE[f.band];
  return null;
}

export function isPlatformMinor(f: AgeFacts): boolean {
  if (f.age !== null) return f.age < 18;
  return f.band !== null && CHILD_BANDS.includes(f.band);
}

export function isPlatformAdult(f: AgeFacts): boolean {
  if (f.age !== null) return f.age >= 18;
  return f.band === 'adult';
}

/** Platform facts first; the stated age only when the platform knows nothing. */
function effectiveAge(f: AgeFacts): number | null {
  return platformAge(f) ?? f.statedAge;
}

export interface PriorResult {
  readonly value: number;
  readonly reasons: readonly AgeReason[];
}

export function agePrior(
  subject: AgeFacts,
  others: readonly AgeFacts[],
  cues: { readonly family: boolean; readonly supervision: boolean; readonly kinReference?: boolean; readonly surprise?: boolean },
): PriorResult {
  const reasons: AgeReason[] = [];
  const add = (r: AgeReason): void => {
    reasons.push(r);
  };
  const minors = others.filter((o) => {
    const a = effectiveAge(o);
    return a !== null && a < 18;
  });
  if (isPlatformAdult(subject)) {
    const otherAdults = others.filter((o) => isPlatformAdult(o)).length;
    if (minors.length > 0) {
      if (otherAdults === 0) {
        add('adultWithChildren');
        if (others.length === 1) add('privateWithChild');
      } else add('adultInMixedGroup');
      const own = platformAge(subject) ?? 30;
      const youngest = Math.min(...minors.map((m) => effectiveAge(m) ?? 17));
      if (own - youngest >= 10) add('largeAgeGap');
    } else if (others.length > 0 && otherAdults === others.length) add('adultsOnly');
    // Either a declared child's age or one stated in text, whatever else the account claims.
    if ((subject.declaredAge !== null && subject.declaredAge < 18) || (subject.statedAge !== null && subject.statedAge < 18)) add('impersonation');
  } else if (isPlatformMinor(subject)) {
    add('childSubject');
    const own = platformAge(subject) ?? 15;
    if (
      others.length > 0 &&
      others.every((o) => {
        if (!isPlatformMinor(o) && !(platformAge(o) === null && o.statedAge !== null && o.statedAge < 18)) return false;
        const a = effectiveAge(o);
        return a !== null && Math.abs(a - own) <= 4;
      })
    ) {
      add('peers');
    }
  } else if (subject.statedAge !== null) {
    if (subject.statedAge >= 18 && minors.length > 0) add('statedAdultWithChild');
    else if (subject.statedAge < 18) add('statedChild');
  }
  if (cues.family) add('family');
  if (cues.supervision) add('supervision');
  if (cues.kinReference === true && !cues.family) add('kinReference');
  if (cues.surprise === true) add('thirdPartySurprise');
  let value = 0;
  for (const r of reasons) value += AGE_PRIORS[r];
  return { value, reasons };
}
