/**
 * Nudity intervention for child accounts (self-generated imagery), as pure decisions.
 *
 * The classifier (media-node) produces class probabilities; `assessNudity` turns them into a
 * flag under configurable thresholds; `decideNudityIntervention` says what happens to a message:
 * - a child (or an account of unknown age — AGE-01 treats unknown as a child) sending a flagged
 *   image is warned before it is sent, with support resources (DEF-13), and it is never delivered
 *   to an adult: only recipients known to be children can receive it, and they receive it blurred.
 *   Recipients of unknown age are treated as possibly adult here, so they do not receive it;
 * - any child (or unknown-age) recipient of a flagged image receives it blurred and only they can
 *   reveal it, by their own choice;
 * - an adult sending a flagged image to a child raises an alert for moderation as well;
 * - adults receiving from adults, and anything not flagged, are delivered normally.
 * Decisions are data; the server carries them out.
 */
import { CHILD_BANDS, type AgeBand } from '@safeguard/core';

/** nsfwjs's five classes, as probabilities summing to ~1. */
export interface NudityScores {
  readonly drawing: number;
  readonly hentai: number;
  readonly neutral: number;
  readonly porn: number;
  readonly sexy: number;
}

/**
 * An image is flagged when any class reaches its threshold, or the three explicit-leaning classes
 * together reach `combined`. Lower = more sensitive (more benign images blurred).
 */
export interface NudityThresholds {
  readonly porn: number;
  readonly hentai: number;
  readonly sexy: number;
  readonly combined: number;
}

/**
 * Defaults lean towards sensitivity (a blurred benign photo costs a tap; a missed nude costs
 * more), within the false-positive rates measured on benign images in docs/media.md.
 */
export const DEFAULT_NUDITY_THRESHOLDS: NudityThresholds = Object.freeze({ porn: 0.5, hentai: 0.6, sexy: 0.8, combined: 0.7 });

export interface NudityAssessment {
  readonly flagged: boolean;
  /** Which thresholds were reached, e.g. `["porn>=0.5"]`. */
  readonly reasons: readonly string[];
  /** porn + hentai + sexy. */
  readonly explicitScore: number;
}

export function validateNudityThresholds(t: NudityThresholds): void {
  for (const [k, v] of Object.entries(t)) {
    if (typeof v !== 'number' || !(v > 0 && v <= 1)) throw new RangeError(`nudity threshold ${k} must be in (0, 1]: ${String(v)}`);
  }
}

export function assessNudity(scores: NudityScores, thresholds: NudityThresholds = DEFAULT_NUDITY_THRESHOLDS): NudityAssessment {
  validateNudityThresholds(thresholds);
  const reasons: string[] = [];
  if (scores.porn >= thresholds.porn) reasons.push(`porn>=${thresholds.porn}`);
  if (scores.hentai >= thresholds.hentai) reasons.push(`hentai>=${thresholds.hentai}`);
  if (scores.sexy >= thresholds.sexy) reasons.push(`sexy>=${thresholds.sexy}`);
  const explicitScore = scores.porn + scores.hentai + scores.sexy;
  if (explicitScore >= thresholds.combined) reasons.push(`porn+hentai+sexy>=${thresholds.combined}`);
  return Object.freeze({ flagged: reasons.length > 0, reasons: Object.freeze(reasons), explicitScore });
}

export interface SupportResource {
  readonly name: string;
  readonly url: string;
  readonly description: string;
}

/**
 * Services that help young people with nude images of themselves; the tenant should replace or
 * extend these per jurisdiction.
 */
export const DEFAULT_SUPPORT_RESOURCES: readonly SupportResource[] = Object.freeze([
  {
    name: 'Take It Down (NCMEC)',
    url: 'https://takeitdown.ncmec.org',
    description: 'Helps remove nude or sexual images of you taken before you were 18 from participating platforms.',
  },
  {
    name: 'Report Remove (Childline and IWF)',
    url: 'https://www.childline.org.uk/info-advice/bullying-abuse-safety/online-mobile-safety/remove-nude-image-shared-online/',
    description: 'For under-18s in the UK: report a nude image of yourself so it can be removed.',
  },
  {
    name: 'Childhelp / Childline',
    url: 'https://www.childhelp.org',
    description: 'Talk to someone confidentially about what is happening.',
  },
]);

export interface InterventionParty {
  readonly id: string;
  readonly ageBand: AgeBand;
}

export interface NudityInterventionConfig {
  readonly thresholds: NudityThresholds;
  readonly supportResources: readonly SupportResource[];
}

export const DEFAULT_NUDITY_INTERVENTION: NudityInterventionConfig = Object.freeze({
  thresholds: DEFAULT_NUDITY_THRESHOLDS,
  supportResources: DEFAULT_SUPPORT_RESOURCES,
});

export interface NudityInterventionInput {
  readonly sender: InterventionParty;
  readonly recipients: readonly InterventionParty[];
  readonly assessment: NudityAssessment;
  /** The child sender saw the warning and chose to send anyway. */
  readonly senderConfirmed?: boolean;
}

export type DeliveryMode = 'deliver' | 'deliver_blurred' | 'withhold';

export interface RecipientDelivery {
  readonly recipientId: string;
  readonly delivery: DeliveryMode;
  /** Who may lift the blur: only the recipient, by choice (`none` when not blurred). */
  readonly reveal: 'recipient_choice' | 'none';
  readonly reason: string;
}

export type NudityAlert = 'adult_sent_nudity_to_child' | 'child_nudity_withheld_from_adult';

export interface NudityInterventionDecision {
  readonly flagged: boolean;
  /**
   * `warn_before_send`: show the sender the warning and resources; nothing is delivered until
   * they confirm (then decide again with `senderConfirmed`). `none`: proceed.
   */
  readonly senderPrompt: 'warn_before_send' | 'none';
  readonly supportResources: readonly SupportResource[];
  /** Empty while the sender's confirmation is pending. */
  readonly deliveries: readonly RecipientDelivery[];
  /**
   * For moderation: an adult sent a flagged image to a child; or a child's flagged image was
   * withheld from an adult (a possible solicitation or sextortion signal).
   */
  readonly alerts: readonly NudityAlert[];
  readonly ruleIds: readonly string[];
  readonly explanation: string;
}

const isKnownChild = (band: AgeBand): boolean => CHILD_BANDS.includes(band);
/** Unknown age counts as a child for the person being protected (AGE-01). */
const protectedAsChild = (band: AgeBand): boolean => band !== 'adult';

export function decideNudityIntervention(
  input: NudityInterventionInput,
  config: NudityInterventionConfig = DEFAULT_NUDITY_INTERVENTION,
): NudityInterventionDecision {
  const { sender, recipients, assessment } = input;
  if (!assessment.flagged) {
    return Object.freeze({
      flagged: false,
      senderPrompt: 'none',
      supportResources: Object.freeze([]),
      deliveries: Object.freeze(recipients.map((r) => ({ recipientId: r.id, delivery: 'deliver' as const, reveal: 'none' as const, reason: 'not flagged' }))),
      alerts: Object.freeze([]),
      ruleIds: Object.freeze([]),
      explanation: 'The image was not flagged as nudity.',
    });
  }
  const senderIsChild = protectedAsChild(sender.ageBand);
  if (senderIsChild && !input.senderConfirmed) {
    return Object.freeze({
      flagged: true,
      senderPrompt: 'warn_before_send',
      supportResources: config.supportResources,
      deliveries: Object.freeze([]),
      alerts: Object.freeze([]),
      ruleIds: Object.freeze(['DEF-13']),
      explanation: 'This image may contain nudity. The sender is a child: warn before sending and offer support; nothing is sent until they choose to.',
    });
  }
  const deliveries: RecipientDelivery[] = recipients.map((r) => {
    if (senderIsChild && !isKnownChild(r.ageBand)) {
      return {
        recipientId: r.id,
        delivery: 'withhold',
        reveal: 'none',
        reason: r.ageBand === 'adult' ? 'nudity from a child is never delivered to an adult' : 'recipient of unknown age may be an adult',
      };
    }
    if (protectedAsChild(r.ageBand)) {
      return { recipientId: r.id, delivery: 'deliver_blurred', reveal: 'recipient_choice', reason: 'child recipient: blurred until they choose to reveal it' };
    }
    return { recipientId: r.id, delivery: 'deliver', reveal: 'none', reason: 'adult recipient of an adult sender' };
  });
  const alerts: NudityAlert[] = [];
  if (!senderIsChild && recipients.some((r) => protectedAsChild(r.ageBand))) alerts.push('adult_sent_nudity_to_child');
  if (senderIsChild && recipients.some((r) => r.ageBand === 'adult')) alerts.push('child_nudity_withheld_from_adult');
  const withheld = deliveries.filter((d) => d.delivery === 'withhold').length;
  const blurred = deliveries.filter((d) => d.delivery === 'deliver_blurred').length;
  return Object.freeze({
    flagged: true,
    senderPrompt: 'none',
    supportResources: senderIsChild ? config.supportResources : Object.freeze([]),
    deliveries: Object.freeze(deliveries),
    alerts: Object.freeze(alerts),
    ruleIds: Object.freeze(['DEF-13']),
    explanation: `The image may contain nudity: ${blurred} recipient(s) get it blurred (revealed only by their choice), ${withheld} withheld, ${deliveries.length - blurred - withheld} delivered normally.`,
  });
}

/** Whether `actorId` may reveal a blurred delivery: only its recipient, and only by choosing to. */
export function mayReveal(delivery: RecipientDelivery, actorId: string, chosenByRecipient: boolean): boolean {
  return delivery.delivery === 'deliver_blurred' && delivery.reveal === 'recipient_choice' && actorId === delivery.recipientId && chosenByRecipient;
}
