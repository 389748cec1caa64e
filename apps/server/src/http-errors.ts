/**
 * One error shape for every failure: `{"error": {"code", "message", "details"}}`. Maps domain
 * error codes and Fastify's own errors to HTTP statuses; never lets an internal error's message or
 * the request's content reach the client or the logs.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { isSafeguardError, type ErrorCode } from '@safeguard/core';

export const STATUS_BY_CODE: Readonly<Record<ErrorCode, number>> = {
  validation_failed: 400,
  invalid_json: 400,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unauthorized: 401,
  forbidden: 403,
  policy_denied: 403,
  not_found: 404,
  unknown_account: 404,
  unknown_action: 400,
  conflict: 409,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
};

export interface ErrorBody {
  error: { code: string; message: string; details: unknown };
}

export const errorBody = (code: string, message: string, details: unknown = null): ErrorBody => ({
  error: { code, message, details },
});

/** Fastify's own error codes for bad requests, mapped to ours. */
const FASTIFY_CODES: Readonly<Record<string, ErrorCode>> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'validation_failed',
  FST_ERR_CTP_INVALID_TYPE: 'unsupported_media_type',
};

export function handleError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  if (hasZodFastifySchemaValidationErrors(error)) {
    const issues = error.validation.map((issue) => ({
      path: `${error.validationContext ?? 'body'}${issue.instancePath.replace(/\//g, '.')}`,
      message: issue.message ?? 'invalid',
    }));
    void reply
      .status(400)
      .send(errorBody('validation_failed', `Invalid ${error.validationContext ?? 'request'}: ${issues[0]?.path ?? ''} ${issues[0]?.message ?? ''}`.trim(), { issues }));
    return;
  }
  if (isSafeguardError(error)) {
    const status = STATUS_BY_CODE[error.code];
    if (status >= 500) request.log.error({ code: error.code, err: error }, 'request failed');
    void reply.status(status).send(errorBody(error.code, error.message, error.details));
    return;
  }
  if (isResponseSerializationError(error)) {
    request.log.error({ err: error }, 'response did not match its schema');
    void reply.status(500).send(errorBody('internal', 'Internal error'));
    return;
  }
  const mapped = error.code ? FASTIFY_CODES[error.code] : undefined;
  if (mapped) {
    const message =
      mapped === 'payload_too_large'
        ? 'Request body is larger than the limit of 1 MiB'
        : mapped === 'invalid_json'
          ? 'Request body is not valid JSON'
          : error.message;
    void reply.status(STATUS_BY_CODE[mapped]).send(errorBody(mapped, message));
    return;
  }
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    void reply.status(status).send(errorBody(status === 404 ? 'not_found' : 'validation_failed', error.message));
    return;
  }
  request.log.error({ err: error }, 'unhandled error');
  void reply.status(500).send(errorBody('internal', 'Internal error'));
}
