/**
 * Detection alerts as case input: which reason an alert kind files under, and what kind of
 * content the evidence is (for the statement of reasons).
 */
import type { ContentType } from './sor/validate.js';
import { reasonFor, reasonOrOther, type ReportReason } from './taxonomy.js';

export const ALERT_KINDS = ['grooming', 'contact-risk', 'account-risk', 'hash-match', 'nudity'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

/** Hash-bank labels that mean child sexual abuse material (NCMEC/IWF lists, industry codes A1–B2). */
const CSAM_LABEL = /(^|[^a-z])(csam|csae|csea|cse|ncmec|iwf|child|a1|a2|b1|b2)([^a-z]|$)/i;

export interface AlertHashMatch {
  readonly bank: string;
  readonly distance?: number | string | null | undefined;
  readonly label?: string | null | undefined;
  /** Hash signal type (pdq, video_md5, …) and value, when known. */
  readonly signalType?: string | null | undefined;
  readonly hash?: string | null | undefined;
}

/** The reason an alert files under; `reasonCode` (when the detector knows better) wins. */
export function reasonForAlert(kind: AlertKind, options: { reasonCode?: string | null | undefined; hashMatches?: readonly AlertHashMatch[] | undefined } = {}): ReportReason {
  const explicit = options.reasonCode ? reasonFor(options.reasonCode) : undefined;
  if (explicit) return explicit;
  switch (kind) {
    case 'grooming':
      return reasonOrOther('grooming');
    case 'contact-risk':
    case 'account-risk':
      return reasonOrOther('contact-risk');
    case 'hash-match':
      return reasonOrOther((options.hashMatches ?? []).some((m) => CSAM_LABEL.test(`${m.bank} ${m.label ?? ''}`)) ? 'csam' : 'hash-match');
    case 'nudity':
      return reasonOrOther('obscene-to-child');
  }
}

/** Statement-of-reasons content types for a case's evidence. */
export function contentTypesOf(evidence: { readonly hasText: boolean; readonly hasImage: boolean; readonly hasVideo: boolean }): ContentType[] {
  const out: ContentType[] = [];
  if (evidence.hasText) out.push('CONTENT_TYPE_TEXT');
  if (evidence.hasImage) out.push('CONTENT_TYPE_IMAGE');
  if (evidence.hasVideo) out.push('CONTENT_TYPE_VIDEO');
  return out;
}

export function isVideoSignal(signalType: string | null | undefined): boolean {
  return signalType !== null && signalType !== undefined && /video|vpdq|tmk/i.test(signalType);
}
