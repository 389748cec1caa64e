/**
 * Typed errors of the media adapters. Each carries a core `ErrorCode` (so the server maps it to an
 * HTTP status in one place) and a finer `problem` naming what was wrong with the input.
 */
import { SafeguardError, type ErrorCode } from '@safeguard/core';

export type MediaInputProblem = 'empty' | 'too_many_bytes' | 'too_many_pixels' | 'unsupported_format' | 'corrupt';

const CODE_BY_PROBLEM: Readonly<Record<MediaInputProblem, ErrorCode>> = {
  empty: 'validation_failed',
  too_many_bytes: 'payload_too_large',
  too_many_pixels: 'payload_too_large',
  unsupported_format: 'unsupported_media_type',
  corrupt: 'validation_failed',
};

/** The bytes are not an image we will decode: 400, 413 or 415 depending on `problem`. */
export class MediaInputError extends SafeguardError {
  readonly problem: MediaInputProblem;

  constructor(problem: MediaInputProblem, message: string, details: Record<string, unknown> = {}) {
    super(CODE_BY_PROBLEM[problem], message, { problem, ...details });
    this.name = 'MediaInputError';
    this.problem = problem;
  }
}

export const isMediaInputError = (value: unknown): value is MediaInputError => value instanceof MediaInputError;

/**
 * The nudity classifier's queue is full: shed the request (the server answers 503 with
 * Retry-After) instead of queueing without limit.
 */
export class ClassifierOverloadedError extends SafeguardError {
  constructor(queued: number, capacity: number) {
    super('unavailable', `nudity classifier is overloaded (${queued} requests waiting, capacity ${capacity}); retry later`, {
      problem: 'overloaded',
      queued,
      capacity,
      retryAfterSeconds: 1,
    });
    this.name = 'ClassifierOverloadedError';
  }
}

/** The classifier could not answer (model failed to load, worker crashed, timed out, pool closed). */
export class ClassifierUnavailableError extends SafeguardError {
  constructor(message: string, cause?: unknown) {
    super('unavailable', message, { problem: 'classifier_unavailable', cause: cause instanceof Error ? cause.message : (cause ?? null) });
    this.name = 'ClassifierUnavailableError';
  }
}

/** A persisted index file is missing, truncated, corrupt or of another version. */
export class IndexFileError extends SafeguardError {
  constructor(path: string, message: string) {
    super('validation_failed', `${path}: ${message}`, { path });
    this.name = 'IndexFileError';
  }
}
