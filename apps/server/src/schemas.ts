/**
 * Zod schemas shared by routes: the single source of truth for validation, types and the OpenAPI
 * document. Bodies are strict (unknown fields are an error, so typos never pass silently).
 */
import { z } from 'zod';
import {
  ASSURANCE_METHODS,
  DECISION_OUTCOMES,
  DECLARABLE_AGE_BANDS,
  AGE_BANDS,
  JURISDICTIONS,
  ROLES,
} from '@safeguard/core';

/** Platform account ids: opaque to Safeguard, printable, bounded. */
export const AccountId = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9._:@|-]+$/, 'account ids use letters, digits and . _ : @ | -')
  .describe("The platform's own account id");

export const SessionId = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9._:-]+$/, 'session ids use letters, digits and . _ : -');

export const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');
export const IsoDateTime = z.iso.datetime({ offset: true });

export const AgeBand = z.enum(AGE_BANDS);
export const DeclarableAgeBand = z.enum(DECLARABLE_AGE_BANDS);
export const AssuranceMethod = z.enum(ASSURANCE_METHODS);
export const Jurisdiction = z.enum(JURISDICTIONS);
export const Role = z.enum(ROLES);

export const ErrorResponse = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      details: z.unknown(),
    }),
  })
  .describe('Every error has this shape');

export const Decision = z.object({
  outcome: z.enum(DECISION_OUTCOMES),
  ruleIds: z.array(z.string()).readonly().describe('Catalogue rules that decided it (GET /v1/policy lists them)'),
  explanation: z.string(),
});

/** Standard error responses added to every route's schema. */
export const errorResponses = {
  400: ErrorResponse,
  401: ErrorResponse,
  403: ErrorResponse,
  404: ErrorResponse,
  409: ErrorResponse,
  413: ErrorResponse,
  429: ErrorResponse,
  500: ErrorResponse,
  503: ErrorResponse,
} as const;

export const Pagination = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});
