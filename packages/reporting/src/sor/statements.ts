/**
 * Statements of reasons (DSA Art 17) for the EU Transparency Database (Art 24(5)). Validation uses
 * the schema compiled ahead of time from ../shared/standards/sor.schema.json (see
 * scripts/sync-sor-schema.mjs), plus the rules JSON Schema cannot express: end dates not before
 * the application date, `puid` unique within an export, and no obvious personal data (e-mail
 * addresses, phone numbers) in free-text fields. Exports are batches of at most 100 statements,
 * the limit of `POST /api/v1/statements`, which is atomic: one invalid statement rejects a batch,
 * so nothing invalid is ever put in one.
 */
import { SafeguardError } from '@safeguard/core';
import { validate as validateGenerated, SOR_SCHEMA_DIGEST } from './sor-validator.generated.js';
import type { ModerationDecisionFact, SorCategory } from '../source.js';
import type { CONTENT_TYPES, KEYWORDS, TERRITORIAL_SCOPE_CODES } from './sor-enums.generated.js';

export { SOR_SCHEMA_DIGEST };
export const MAX_STATEMENTS_PER_BATCH = 100;

export type ContentType = keyof typeof CONTENT_TYPES;
export type Keyword = keyof typeof KEYWORDS;
export type TerritorialScope = (typeof TERRITORIAL_SCOPE_CODES)[number];

/** A statement of reasons as the EU database accepts it (field names are the API's). */
export interface StatementOfReasons {
  readonly decision_visibility?: readonly string[] | null;
  readonly decision_visibility_other?: string;
  readonly end_date_visibility_restriction?: string | null;
  readonly decision_monetary?: string | null;
  readonly decision_monetary_other?: string;
  readonly end_date_monetary_restriction?: string | null;
  readonly decision_provision?: string | null;
  readonly end_date_service_restriction?: string | null;
  readonly decision_account?: string | null;
  readonly end_date_account_restriction?: string | null;
  readonly account_type?: string | null;
  readonly decision_facts: string;
  readonly decision_ground: string;
  readonly decision_ground_reference_url?: string | null;
  readonly illegal_content_legal_ground?: string;
  readonly illegal_content_explanation?: string;
  readonly incompatible_content_ground?: string;
  readonly incompatible_content_explanation?: string;
  readonly incompatible_content_illegal?: 'Yes' | 'No';
  readonly content_type: readonly string[];
  readonly content_type_other?: string;
  readonly category: string;
  readonly category_addition?: readonly string[];
  readonly category_specification?: readonly string[] | null;
  readonly category_specification_other?: string;
  readonly content_id?: { readonly 'EAN-13': string } | null;
  readonly territorial_scope?: readonly string[] | null;
  readonly content_language?: string | null;
  readonly content_date: string;
  readonly application_date: string;
  readonly source_type: string;
  readonly source_identity?: string;
  readonly automated_detection: 'Yes' | 'No';
  readonly automated_decision: string;
  readonly puid: string;
}

export interface StatementProblem {
  /** JSON pointer to the field, '' for the whole statement. */
  readonly path: string;
  readonly message: string;
}

interface AjvError {
  instancePath: string;
  message?: string;
  params?: Record<string, unknown>;
}

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/;
const PHONE = /(?:\+|\b00)\d[\d\s().-]{7,}\d/;
const FREE_TEXT = [
  'decision_facts',
  'illegal_content_explanation',
  'incompatible_content_explanation',
  'decision_visibility_other',
  'decision_monetary_other',
  'content_type_other',
  'category_specification_other',
  'illegal_content_legal_ground',
  'incompatible_content_ground',
] as const;

/** Every problem with one statement; an empty list means the EU database would accept it. */
export function validateStatement(statement: unknown): StatementProblem[] {
  const problems: StatementProblem[] = [];
  const fn = validateGenerated as unknown as ((data: unknown) => boolean) & { errors?: AjvError[] | null };
  if (!fn(statement)) {
    for (const e of fn.errors ?? []) {
      const extra = e.params && 'additionalProperty' in e.params ? ` (${String(e.params.additionalProperty)})` : e.params && 'missingProperty' in e.params ? ` (${String(e.params.missingProperty)})` : '';
      problems.push({ path: e.instancePath, message: `${e.message ?? 'invalid'}${extra}` });
    }
  }
  if (statement === null || typeof statement !== 'object') return problems;
  const s = statement as Record<string, unknown>;
  const application = typeof s.application_date === 'string' ? s.application_date : null;
  for (const field of ['end_date_visibility_restriction', 'end_date_monetary_restriction', 'end_date_service_restriction', 'end_date_account_restriction']) {
    const value = s[field];
    if (typeof value === 'string' && application && value < application) {
      problems.push({ path: `/${field}`, message: `must not be before application_date (${application})` });
    }
  }
  if (typeof s.content_date === 'string' && application && s.content_date > application) {
    problems.push({ path: '/content_date', message: 'the content cannot postdate the decision applied to it' });
  }
  for (const field of FREE_TEXT) {
    const value = s[field];
    if (typeof value === 'string' && (EMAIL.test(value) || PHONE.test(value))) {
      problems.push({ path: `/${field}`, message: 'looks like it contains personal data (an e-mail address or phone number): DSA Art 24(5) forbids it' });
    }
  }
  return problems;
}

export interface StatementBatch {
  /** 1-based batch number. */
  readonly batch: number;
  /** The request body for POST /api/v1/statements. */
  readonly body: { readonly statements: readonly StatementOfReasons[] };
}

/**
 * Splits statements into database batches of at most `batchSize` (≤ 100), validating each. Throws
 * SafeguardError('validation_failed') naming the statement (position and puid) and every problem
 * at the first invalid statement or duplicate puid, so no invalid batch is ever produced.
 */
export async function* statementBatches(
  statements: AsyncIterable<unknown> | Iterable<unknown>,
  options: { batchSize?: number; checkUniquePuids?: boolean; firstBatch?: number } = {},
): AsyncGenerator<StatementBatch> {
  const size = options.batchSize ?? MAX_STATEMENTS_PER_BATCH;
  if (!Number.isInteger(size) || size < 1 || size > MAX_STATEMENTS_PER_BATCH) {
    throw new SafeguardError('validation_failed', `batch size must be between 1 and ${MAX_STATEMENTS_PER_BATCH} (the EU database's limit)`);
  }
  const seen = options.checkUniquePuids === false ? null : new Set<string>();
  let batch: StatementOfReasons[] = [];
  // Numbering (and statement positions in errors) may start further in, when the statements given
  // are the tail of a longer sequence.
  const first = Math.max(1, Math.floor(options.firstBatch ?? 1));
  let number = first - 1;
  let index = (first - 1) * size;
  for await (const statement of statements) {
    index += 1;
    const problems = validateStatement(statement);
    const puid = (statement as { puid?: unknown } | null)?.puid;
    if (typeof puid === 'string' && seen) {
      if (seen.has(puid)) problems.push({ path: '/puid', message: `duplicate puid "${puid}" (the database requires it unique per platform)` });
      seen.add(puid);
    }
    if (problems.length > 0) {
      throw new SafeguardError(
        'validation_failed',
        `Statement ${index}${typeof puid === 'string' ? ` (puid ${puid})` : ''} is not valid for the EU Transparency Database: ${problems.map((p) => `${p.path || '/'} ${p.message}`).join('; ')}`,
        { index, puid: typeof puid === 'string' ? puid : null, problems },
      );
    }
    batch.push(statement as StatementOfReasons);
    if (batch.length === size) {
      number += 1;
      yield { batch: number, body: { statements: batch } };
      batch = [];
    }
  }
  if (batch.length > 0) {
    number += 1;
    yield { batch: number, body: { statements: batch } };
  }
}

const SOURCE_TYPE: Readonly<Record<ModerationDecisionFact['source'], string>> = {
  ART16_NOTICE: 'SOURCE_ARTICLE_16',
  TRUSTED_FLAGGER: 'SOURCE_TRUSTED_FLAGGER',
  OTHER_NOTIFICATION: 'SOURCE_TYPE_OTHER_NOTIFICATION',
  AUTHORITY_ORDER: 'SOURCE_TYPE_OTHER_NOTIFICATION',
  OWN_INITIATIVE: 'SOURCE_VOLUNTARY',
};
const AUTOMATED_DECISION: Readonly<Record<ModerationDecisionFact['automatedDecision'], string>> = {
  FULLY: 'AUTOMATED_DECISION_FULLY',
  PARTIALLY: 'AUTOMATED_DECISION_PARTIALLY',
  NOT: 'AUTOMATED_DECISION_NOT_AUTOMATED',
};

/** What a statement needs beyond the decision fact: the reasons, in words, and the content. */
export interface StatementDetails {
  /** Unique, never reused, `^[A-Za-z0-9_-]+$`: e.g. the decision id. */
  readonly puid: string;
  /** Facts and circumstances relied on (no personal data). */
  readonly facts: string;
  readonly contentType: readonly ContentType[];
  readonly contentTypeOther?: string;
  /** YYYY-MM-DD the content was posted. */
  readonly contentDate: string;
  readonly keywords?: readonly Keyword[];
  /** For decisions on illegal content: the legal ground and why the content is illegal under it. */
  readonly legalGround?: string;
  readonly illegalExplanation?: string;
  /** For decisions under the terms: the clause and why the content is incompatible with it. */
  readonly termsGround?: string;
  readonly termsExplanation?: string;
  readonly termsReferenceUrl?: string;
  readonly territorialScope?: readonly TerritorialScope[];
  readonly contentLanguage?: string;
  readonly accountType?: 'ACCOUNT_TYPE_BUSINESS' | 'ACCOUNT_TYPE_PRIVATE';
  /** Source identity for notices (never for voluntary decisions); no personal data. */
  readonly sourceIdentity?: string;
  readonly endDates?: { readonly visibility?: string | null; readonly monetary?: string | null; readonly service?: string | null; readonly account?: string | null };
}

/** Builds the statement of reasons for a decision; validate it (or batch it) before sending. */
export function statementFromDecision(decision: ModerationDecisionFact, details: StatementDetails): StatementOfReasons {
  const r = decision.restrictions;
  const illegal = decision.basis === 'LAW';
  const category: SorCategory = decision.category;
  const statement: Record<string, unknown> = {
    decision_facts: details.facts,
    decision_ground: illegal ? 'DECISION_GROUND_ILLEGAL_CONTENT' : 'DECISION_GROUND_INCOMPATIBLE_CONTENT',
    content_type: [...details.contentType],
    category,
    content_date: details.contentDate,
    application_date: decision.decidedAt.slice(0, 10),
    source_type: SOURCE_TYPE[decision.source],
    automated_detection: decision.automatedDetection ? 'Yes' : 'No',
    automated_decision: AUTOMATED_DECISION[decision.automatedDecision],
    puid: details.puid,
    territorial_scope: details.territorialScope ? [...details.territorialScope] : null,
  };
  if (r.visibility.length > 0) {
    statement.decision_visibility = [...r.visibility];
    if (details.endDates?.visibility !== undefined) statement.end_date_visibility_restriction = details.endDates.visibility;
  }
  if (r.monetary) {
    statement.decision_monetary = r.monetary;
    if (details.endDates?.monetary !== undefined) statement.end_date_monetary_restriction = details.endDates.monetary;
  }
  if (r.provision) {
    statement.decision_provision = r.provision;
    if (details.endDates?.service !== undefined) statement.end_date_service_restriction = details.endDates.service;
  }
  if (r.account) {
    statement.decision_account = r.account;
    if (details.endDates?.account !== undefined) statement.end_date_account_restriction = details.endDates.account;
  }
  if (illegal) {
    statement.illegal_content_legal_ground = details.legalGround ?? '';
    statement.illegal_content_explanation = details.illegalExplanation ?? '';
  } else {
    statement.incompatible_content_ground = details.termsGround ?? '';
    statement.incompatible_content_explanation = details.termsExplanation ?? '';
    if (details.termsReferenceUrl) statement.decision_ground_reference_url = details.termsReferenceUrl;
  }
  if (details.keywords && details.keywords.length > 0) statement.category_specification = [...details.keywords];
  if (details.contentTypeOther) statement.content_type_other = details.contentTypeOther;
  if (details.contentLanguage) statement.content_language = details.contentLanguage;
  if (details.accountType) statement.account_type = details.accountType;
  if (details.sourceIdentity && decision.source !== 'OWN_INITIATIVE') statement.source_identity = details.sourceIdentity;
  return statement as unknown as StatementOfReasons;
}
