/**
 * Errors that cross package boundaries. Every failure a client can cause carries a stable
 * machine-readable `code`; the server maps codes to HTTP statuses in one place, so the domain
 * packages never know about HTTP.
 */
export type ErrorCode =
  | 'validation_failed'
  | 'invalid_json'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'unknown_account'
  | 'unknown_action'
  | 'conflict'
  | 'policy_denied'
  | 'rate_limited'
  | 'unavailable'
  | 'internal';

export class SafeguardError extends Error {
  readonly code: ErrorCode;
  readonly details: unknown;

  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(message);
    this.name = 'SafeguardError';
    this.code = code;
    this.details = details ?? null;
  }
}

export const isSafeguardError = (value: unknown): value is SafeguardError =>
  value instanceof SafeguardError;
