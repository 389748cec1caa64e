/**
 * Validation of statements of reasons against the EU Transparency Database schema (compiled in from
 * ../shared/standards by scripts/sync-sor-schema.mjs), with ajv, plus the rules the schema cannot
 * express (documented in REGULATION.md §6.4): date bounds and end dates not before the application
 * date. A statement that fails here must never be stored or submitted.
 */
import Ajv2020Module from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { AnySchemaObject, ErrorObject, ValidateFunction } from 'ajv';
import { SOR_ENUMS, SOR_SCHEMA } from './schema.generated.js';

export type StatementCategory = keyof typeof SOR_ENUMS.STATEMENT_CATEGORIES;
export type StatementKeyword = keyof typeof SOR_ENUMS.KEYWORDS;
export type DecisionGround = keyof typeof SOR_ENUMS.DECISION_GROUNDS;
export type SourceType = keyof typeof SOR_ENUMS.SOURCE_TYPES;
export type ContentType = keyof typeof SOR_ENUMS.CONTENT_TYPES;
export type DecisionVisibility = keyof typeof SOR_ENUMS.DECISION_VISIBILITIES;
export type DecisionProvision = keyof typeof SOR_ENUMS.DECISION_PROVISIONS;
export type DecisionAccount = keyof typeof SOR_ENUMS.DECISION_ACCOUNTS;
export type AutomatedDecision = keyof typeof SOR_ENUMS.AUTOMATED_DECISIONS;
export type TerritorialCode = (typeof SOR_ENUMS.TERRITORIAL_SCOPE_CODES)[number];

export const STATEMENT_CATEGORIES = Object.keys(SOR_ENUMS.STATEMENT_CATEGORIES) as StatementCategory[];
export const STATEMENT_KEYWORDS = Object.keys(SOR_ENUMS.KEYWORDS) as StatementKeyword[];
export const EEA_TERRITORIAL_SCOPE: readonly TerritorialCode[] = SOR_ENUMS.TERRITORIAL_SCOPE_CODES;

/** A statement of reasons as the Transparency Database API accepts it (API v1, 2025-07 schema). */
export interface StatementOfReasons {
  decision_visibility?: DecisionVisibility[] | null;
  decision_visibility_other?: string;
  end_date_visibility_restriction?: string | null;
  decision_monetary?: string | null;
  decision_monetary_other?: string;
  end_date_monetary_restriction?: string | null;
  decision_provision?: DecisionProvision | null;
  end_date_service_restriction?: string | null;
  decision_account?: DecisionAccount | null;
  end_date_account_restriction?: string | null;
  account_type?: 'ACCOUNT_TYPE_BUSINESS' | 'ACCOUNT_TYPE_PRIVATE' | null;
  decision_facts: string;
  decision_ground: DecisionGround;
  decision_ground_reference_url?: string | null;
  illegal_content_legal_ground?: string;
  illegal_content_explanation?: string;
  incompatible_content_ground?: string;
  incompatible_content_explanation?: string;
  incompatible_content_illegal?: 'Yes' | 'No';
  content_type: ContentType[];
  content_type_other?: string;
  category: StatementCategory;
  category_addition?: StatementCategory[];
  category_specification?: StatementKeyword[] | null;
  category_specification_other?: string;
  territorial_scope?: TerritorialCode[] | null;
  content_language?: string | null;
  content_date: string;
  application_date: string;
  source_type: SourceType;
  source_identity?: string;
  automated_detection: 'Yes' | 'No';
  automated_decision: AutomatedDecision;
  puid: string;
}

export interface SorValidationError {
  /** JSON pointer of the failing field ('' for the whole statement). */
  readonly path: string;
  readonly message: string;
}

export interface SorValidation {
  readonly valid: boolean;
  readonly errors: readonly SorValidationError[];
}

// ajv and ajv-formats are CommonJS; under NodeNext their default export is the module object.
const Ajv2020 = Ajv2020Module.default;
const addFormats = addFormatsModule.default;

let compiled: ValidateFunction | undefined;
function validator(): ValidateFunction {
  if (!compiled) {
    // strictSchema catches unknown keywords; the type/required strictness checks flag the shared
    // schema's authoring style (conditional requires, `contains` without a type), not errors.
    const ajv = new Ajv2020({ allErrors: true, strictSchema: true, strictTypes: false, strictTuples: false, strictRequired: false });
    addFormats(ajv, ['date', 'uri']);
    compiled = ajv.compile(SOR_SCHEMA as unknown as AnySchemaObject);
  }
  return compiled;
}

const DATE_FIELDS = [
  'end_date_visibility_restriction',
  'end_date_monetary_restriction',
  'end_date_service_restriction',
  'end_date_account_restriction',
] as const;

/** Checks a statement against the schema and the rules the schema cannot express. */
export function validateStatementOfReasons(statement: unknown): SorValidation {
  const validate = validator();
  const errors: SorValidationError[] = [];
  if (!validate(statement)) {
    for (const e of validate.errors ?? []) errors.push(describe(e));
  }
  if (typeof statement === 'object' && statement !== null) {
    const s = statement as Record<string, unknown>;
    const bound = (field: string, min: string): void => {
      const value = s[field];
      if (typeof value !== 'string') return;
      if (value < min) errors.push({ path: `/${field}`, message: `must be on or after ${min}` });
      if (value > '2038-01-01') errors.push({ path: `/${field}`, message: 'must be on or before 2038-01-01' });
    };
    bound('content_date', '2000-01-01');
    bound('application_date', '2020-01-01');
    const applied = s.application_date;
    for (const field of DATE_FIELDS) {
      const value = s[field];
      if (typeof value === 'string' && typeof applied === 'string' && value < applied) {
        errors.push({ path: `/${field}`, message: 'must not be before application_date' });
      }
      bound(field, '2020-01-01');
    }
  }
  return { valid: errors.length === 0, errors };
}

function describe(error: ErrorObject): SorValidationError {
  const extra =
    error.keyword === 'required'
      ? ` (${String((error.params as { missingProperty?: string }).missingProperty)})`
      : error.keyword === 'additionalProperties'
        ? ` (${String((error.params as { additionalProperty?: string }).additionalProperty)})`
        : '';
  return { path: error.instancePath, message: `${error.message ?? 'invalid'}${extra}` };
}
