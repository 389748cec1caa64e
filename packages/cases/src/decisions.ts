/**
 * Decisions and their statements of reasons. Every decision — from "no action" to "refer to law
 * enforcement" — produces a statement of reasons that validates against the EU Transparency
 * Database schema (DSA Art. 17 / 24(5)). Only restrictions need one in law, so each statement also
 * says whether it is `required` (and therefore to be submitted to the Transparency Database):
 * "no action" and a warning that leaves content in place produce a schema-valid record of the
 * decision for the moderator and the transparency report, but are not submitted.
 *
 * Statements never carry personal data (Art. 24(5)): no account ids, names or message text, only
 * the reason, the restriction and the moderator's explanation (which moderators are told to keep
 * free of personal data; see docs/moderation.md).
 */
import type { IntakeSource } from './triage.js';
import type { DecisionBasis, ReportReason, Severity } from './taxonomy.js';
import {
  EEA_TERRITORIAL_SCOPE,
  type ContentType,
  type DecisionVisibility,
  type SourceType,
  type StatementOfReasons,
  type TerritorialCode,
} from './sor/validate.js';

export const DECISION_ACTIONS = ['no_action', 'warn', 'remove_content', 'restrict', 'suspend', 'ban', 'refer_law_enforcement'] as const;
export type DecisionAction = (typeof DECISION_ACTIONS)[number];

/** How heavy each action is, for appeals (a partial reversal must replace with a lighter action). */
export const ACTION_WEIGHT: Readonly<Record<DecisionAction, number>> = {
  no_action: 0,
  warn: 1,
  remove_content: 2,
  restrict: 3,
  suspend: 4,
  ban: 5,
  refer_law_enforcement: 6,
};

export const ACTION_LABELS: Readonly<Record<DecisionAction, string>> = {
  no_action: 'No action',
  warn: 'Warn',
  remove_content: 'Remove content',
  restrict: 'Restrict features',
  suspend: 'Suspend account',
  ban: 'Ban account',
  refer_law_enforcement: 'Ban and refer to law enforcement',
};

/** Strikes each action adds to the account (DSA Art. 23 and ICU H2: sanctions for repeat misuse). */
export const STRIKE_WEIGHTS: Readonly<Record<DecisionAction, number>> = {
  no_action: 0,
  warn: 1,
  remove_content: 1,
  restrict: 2,
  suspend: 3,
  ban: 5,
  refer_law_enforcement: 5,
};

export const DEFAULT_STRIKE_TTL_DAYS = 365;
export const DEFAULT_SUSPENSION_DAYS = 7;
export const DEFAULT_RESTRICTION_DAYS = 30;

/** Coop's policy penalty vocabulary, for Coop-shaped webhooks. */
export const COOP_PENALTY: Readonly<Record<Severity, 'LOW' | 'MEDIUM' | 'HIGH' | 'SEVERE'>> = {
  critical: 'SEVERE',
  high: 'HIGH',
  medium: 'MEDIUM',
  low: 'LOW',
};

/** What a tenant configures about its statements of reasons. */
export interface SorSettings {
  readonly territorialScope: readonly TerritorialCode[];
  /** Public URL of the terms of service (decision_ground_reference_url for terms decisions). */
  readonly termsUrl?: string | null | undefined;
  /** Overrides of the default legal-ground text, by reason code. */
  readonly legalGrounds?: Readonly<Record<string, string>> | undefined;
  /** Overrides of the terms clause cited, by reason code. */
  readonly termsGrounds?: Readonly<Record<string, string>> | undefined;
}

export const DEFAULT_SOR_SETTINGS: SorSettings = { territorialScope: EEA_TERRITORIAL_SCOPE };

export interface SorInput {
  /** Unique per platform, never reused: the decision id. */
  readonly puid: string;
  readonly action: DecisionAction;
  readonly reason: ReportReason;
  readonly basis: DecisionBasis;
  /** The moderator's explanation (no personal data). */
  readonly facts?: string | null | undefined;
  readonly decidedAt: Date;
  /** Date of the content or conduct (YYYY-MM-DD). */
  readonly contentDate: string;
  readonly contentTypes: readonly ContentType[];
  readonly source: IntakeSource;
  /** Organisation name of a trusted flagger or authority (never a user's identity). */
  readonly sourceIdentity?: string | null | undefined;
  readonly automatedDetection: boolean;
  /** For suspensions and restrictions: the day it ends (YYYY-MM-DD), null when indefinite. */
  readonly endDate?: string | null | undefined;
  /** Also remove the reported content (implied by remove_content and refer_law_enforcement). */
  readonly removeContent?: boolean | undefined;
  readonly settings?: SorSettings | undefined;
}

export interface BuiltStatement {
  readonly statement: StatementOfReasons;
  /** A restriction was imposed: DSA Art. 17 requires the statement and Art. 24(5) its submission. */
  readonly required: boolean;
}

const SOURCE_TYPES: Readonly<Record<IntakeSource, SourceType>> = {
  user: 'SOURCE_ARTICLE_16',
  'trusted-flagger': 'SOURCE_TRUSTED_FLAGGER',
  authority: 'SOURCE_TYPE_OTHER_NOTIFICATION',
  detection: 'SOURCE_VOLUNTARY',
};

const SOURCE_WORDS: Readonly<Record<IntakeSource, string>> = {
  user: 'a notice from a user of the service (DSA Art. 16)',
  'trusted-flagger': 'a notice from a trusted flagger (DSA Art. 22)',
  authority: 'an order or request from a public authority',
  detection: "the provider's own initiative, using automated detection",
};

const MAX_SOR_DATE = '2038-01-01';

const clip = (text: string, max: number): string => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);
const day = (d: Date): string => d.toISOString().slice(0, 10);

export function addDays(date: Date, days: number): string {
  return day(new Date(date.getTime() + days * 86_400_000));
}

function actionSentence(action: DecisionAction, removeContent: boolean, endDate: string | null): string {
  const until = endDate ? ` until ${endDate}` : ' indefinitely';
  const content = removeContent ? ' The content concerned was removed.' : '';
  switch (action) {
    case 'no_action':
      return 'No restriction was imposed: the content and the account were reviewed and no violation was found.';
    case 'warn':
      return `The account holder was given a formal warning and a strike.${content}`;
    case 'remove_content':
      return 'The content concerned was removed.';
    case 'restrict':
      return `Features of the service were restricted for the account${until}.${content}`;
    case 'suspend':
      return `The account was suspended${until}.${content}`;
    case 'ban':
      return `The account was terminated.${content}`;
    case 'refer_law_enforcement':
      // Never mention the referral: the statement goes to the account holder and is published.
      return 'The account was terminated and the content concerned was removed.';
  }
}

export function removesContent(action: DecisionAction, removeContent: boolean | undefined): boolean {
  return action === 'remove_content' || action === 'refer_law_enforcement' || (removeContent === true && action !== 'no_action');
}

/** Builds the statement of reasons for a decision. Validate it with validateStatementOfReasons. */
export function buildStatementOfReasons(input: SorInput): BuiltStatement {
  const settings = input.settings ?? DEFAULT_SOR_SETTINGS;
  const applicationDate = day(input.decidedAt);
  const removal = removesContent(input.action, input.removeContent);
  // The database accepts dates up to 2038-01-01 and no end before the application date.
  const endDate = input.endDate ? (input.endDate > MAX_SOR_DATE ? MAX_SOR_DATE : input.endDate < applicationDate ? applicationDate : input.endDate) : null;
  const visibility: DecisionVisibility[] = [];
  const s: Partial<StatementOfReasons> = {};
  let required = true;
  switch (input.action) {
    case 'no_action':
      visibility.push('DECISION_VISIBILITY_OTHER');
      s.decision_visibility_other = 'No restriction imposed: reviewed and no violation found';
      required = false;
      break;
    case 'warn':
      if (removal) visibility.push('DECISION_VISIBILITY_CONTENT_REMOVED');
      else {
        visibility.push('DECISION_VISIBILITY_OTHER');
        s.decision_visibility_other = 'Formal warning to the account holder; content left available';
        required = false;
      }
      break;
    case 'remove_content':
      visibility.push('DECISION_VISIBILITY_CONTENT_REMOVED');
      break;
    case 'restrict':
      visibility.push('DECISION_VISIBILITY_CONTENT_INTERACTION_RESTRICTED');
      if (removal) visibility.push('DECISION_VISIBILITY_CONTENT_REMOVED');
      s.decision_provision = 'DECISION_PROVISION_PARTIAL_SUSPENSION';
      s.end_date_service_restriction = endDate;
      break;
    case 'suspend':
      if (removal) visibility.push('DECISION_VISIBILITY_CONTENT_REMOVED');
      s.decision_account = 'DECISION_ACCOUNT_SUSPENDED';
      s.end_date_account_restriction = endDate;
      break;
    case 'ban':
      if (removal) visibility.push('DECISION_VISIBILITY_CONTENT_REMOVED');
      s.decision_account = 'DECISION_ACCOUNT_TERMINATED';
      s.end_date_account_restriction = null;
      break;
    case 'refer_law_enforcement':
      visibility.push('DECISION_VISIBILITY_CONTENT_REMOVED');
      s.decision_account = 'DECISION_ACCOUNT_TERMINATED';
      s.end_date_account_restriction = null;
      break;
  }
  if (visibility.length > 0) s.decision_visibility = visibility;

  const reason = input.reason;
  const moderatorFacts = input.facts?.trim() ? input.facts.trim() : null;
  const sentence = actionSentence(input.action, removal, endDate);
  const facts = [
    sentence,
    `Reason: ${reason.label}.`,
    `The decision followed ${SOURCE_WORDS[input.source]}${input.automatedDetection && input.source !== 'detection' ? ', supported by automated detection' : ''}, and was taken by a human moderator.`,
    moderatorFacts,
  ]
    .filter((x): x is string => x !== null)
    .join(' ');
  const explanation = clip(`${reason.description}${moderatorFacts ? ` ${moderatorFacts}` : ''}`, 2000);

  // "No action" found no violation: it can only cite the terms that were checked.
  const basis: DecisionBasis = input.action === 'no_action' ? 'terms' : input.basis;
  if (basis === 'illegal') {
    s.decision_ground = 'DECISION_GROUND_ILLEGAL_CONTENT';
    s.illegal_content_legal_ground = clip(
      settings.legalGrounds?.[reason.code] ?? reason.legalGround ?? 'Illegal content under the law of the Member State(s) concerned',
      500,
    );
    s.illegal_content_explanation = explanation;
  } else {
    s.decision_ground = 'DECISION_GROUND_INCOMPATIBLE_CONTENT';
    s.incompatible_content_ground = clip(
      input.action === 'no_action'
        ? `Terms of service reviewed for: ${reason.label}`
        : (settings.termsGrounds?.[reason.code] ?? `Terms of service: ${reason.label}`),
      500,
    );
    s.incompatible_content_explanation = explanation;
    s.incompatible_content_illegal = reason.basis === 'illegal' && input.action !== 'no_action' ? 'Yes' : 'No';
    if (settings.termsUrl) s.decision_ground_reference_url = settings.termsUrl;
  }

  const contentTypes = input.contentTypes.length > 0 ? [...new Set(input.contentTypes)] : (['CONTENT_TYPE_OTHER'] as ContentType[]);
  if (contentTypes.includes('CONTENT_TYPE_OTHER')) s.content_type_other = 'Account conduct';
  const statement: StatementOfReasons = {
    ...s,
    decision_facts: clip(facts, 5000),
    decision_ground: s.decision_ground,
    content_type: contentTypes,
    category: reason.category,
    ...(reason.categoryAddition && reason.categoryAddition.length > 0 ? { category_addition: [...reason.categoryAddition] } : {}),
    ...(reason.keywords.length > 0 ? { category_specification: [...reason.keywords] } : {}),
    ...(reason.keywords.includes('KEYWORD_OTHER') ? { category_specification_other: clip(reason.keywordOther ?? reason.label, 500) } : {}),
    territorial_scope: [...settings.territorialScope],
    account_type: 'ACCOUNT_TYPE_PRIVATE',
    content_date: clampContentDate(input.contentDate, applicationDate),
    application_date: applicationDate,
    source_type: SOURCE_TYPES[input.source],
    ...(input.sourceIdentity && input.source !== 'detection' && input.source !== 'user' ? { source_identity: clip(input.sourceIdentity, 500) } : {}),
    automated_detection: input.automatedDetection ? 'Yes' : 'No',
    automated_decision: 'AUTOMATED_DECISION_NOT_AUTOMATED',
    puid: input.puid,
  };
  return { statement, required };
}

function clampContentDate(contentDate: string, applicationDate: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(contentDate)) return applicationDate;
  if (contentDate < '2000-01-01') return '2000-01-01';
  return contentDate > applicationDate ? applicationDate : contentDate;
}

/** The end date of a time-limited restriction, or null for actions without one. */
export function restrictionEndDate(action: DecisionAction, decidedAt: Date, durationDays?: number | null): string | null {
  if (action === 'suspend') return addDays(decidedAt, durationDays ?? DEFAULT_SUSPENSION_DAYS);
  if (action === 'restrict') return addDays(decidedAt, durationDays ?? DEFAULT_RESTRICTION_DAYS);
  return null;
}

/** The action a moderator is offered first, from the reason and the account's active strikes. */
export function suggestAction(reason: ReportReason, activeStrikes: number): DecisionAction {
  if (reason.ncmec !== undefined) return 'refer_law_enforcement';
  if (reason.severity === 'critical') return 'ban';
  if (activeStrikes >= 8) return 'ban';
  if (activeStrikes >= 4) return 'suspend';
  if (reason.severity === 'high') return activeStrikes >= 2 ? 'suspend' : 'restrict';
  return activeStrikes >= 2 ? 'remove_content' : 'warn';
}

// ---- notifications --------------------------------------------------------------------------

export interface ReporterToNotify {
  readonly accountId: string | null;
  readonly reportId: string;
  readonly isChild: boolean;
  readonly kind: IntakeSource;
}

export interface Notification {
  readonly recipient: 'reported-user' | 'reporter';
  readonly accountId: string | null;
  readonly reportId?: string;
  /** Plain words the platform can show as they are (children get the simplest wording). */
  readonly message: string;
  readonly plainLanguage: boolean;
}

const OUTCOME_WORDS: Readonly<Record<DecisionAction, string>> = {
  no_action: 'We did not find anything that breaks our rules, so we have not taken action.',
  warn: 'We have warned the account.',
  remove_content: 'We have removed the content.',
  restrict: 'We have limited what the account can do.',
  suspend: 'We have suspended the account.',
  ban: 'We have closed the account.',
  // No word of a referral to anyone outside the platform's safety team (no tipping off).
  refer_law_enforcement: 'We have closed the account.',
};

/** What the reporter and the reported user are told (DSA Arts. 16(5) and 17). */
export function notificationsFor(input: {
  readonly action: DecisionAction;
  readonly reason: ReportReason;
  readonly subjectAccountId: string;
  readonly subjectIsChild: boolean;
  readonly endDate: string | null;
  readonly reporters: readonly ReporterToNotify[];
}): Notification[] {
  const out: Notification[] = [];
  if (input.action !== 'no_action') {
    const what =
      input.action === 'warn'
        ? 'This is a warning.'
        : input.action === 'remove_content'
          ? 'We removed content you posted.'
          : input.action === 'restrict'
            ? `Some features are turned off for your account${input.endDate ? ` until ${input.endDate}` : ''}.`
            : input.action === 'suspend'
              ? `Your account is suspended${input.endDate ? ` until ${input.endDate}` : ''}.`
              : 'Your account has been closed.';
    out.push({
      recipient: 'reported-user',
      accountId: input.subjectAccountId,
      message: input.subjectIsChild
        ? `We checked your account and found something that breaks our rules (${input.reason.childLabel ?? input.reason.label.toLowerCase()}). ${what} If you think we got this wrong, you can ask us to look again.`
        : `We reviewed your account and found a breach of our rules: ${input.reason.label}. ${what} You can appeal this decision; the statement of reasons explains it.`,
      plainLanguage: input.subjectIsChild,
    });
  }
  for (const r of input.reporters) {
    if (r.kind === 'detection') continue;
    out.push({
      recipient: 'reporter',
      accountId: r.accountId,
      reportId: r.reportId,
      message: r.isChild
        ? input.action === 'no_action'
          ? 'Thank you for telling us. We looked carefully and did not find anything that breaks our rules. You can still block them, and it is always OK to talk to an adult you trust.'
          : 'Thank you for telling us. We looked at what you reported and we have done something about it. If you feel worried or unsafe, talk to an adult you trust.'
        : `Thank you for your report. We reviewed it. ${OUTCOME_WORDS[input.action]}${input.action === 'no_action' ? ' You can ask us to review this decision.' : ''}`,
      plainLanguage: r.isChild,
    });
  }
  return out;
}
