/**
 * Checks a publish batch before any of it is stored, identically for every implementation: the
 * same message is accepted or refused with the same BusError (`invalid_message`) on either bus.
 */
import { BusError, type BusMessage } from '@safeguard/core';

export const DEFAULT_MAX_MESSAGE_BYTES = 1_000_000;
const MAX_ID_CHARS = 256;
const MAX_KEY_CHARS = 512;
const MAX_HEADERS = 32;
const MAX_HEADER_VALUE_CHARS = 4096;
const HEADER_NAME = /^[A-Za-z0-9][A-Za-z0-9-]{0,63}$/;
/** Header names the buses use themselves. */
const RESERVED_HEADER = /^(nats-|safeguard-bus-)/i;
// Ids and header values travel as NATS header values: no control characters (CR/LF would split them).
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

export function validateBatch(batch: readonly BusMessage[], maxMessageBytes: number): void {
  // Array.isArray narrows to any[]: keep the declared type for the checks below.
  const messages: readonly BusMessage[] = batch;
  if (!Array.isArray(batch)) throw new BusError('invalid_message', 'publish takes an array of messages');
  messages.forEach((m, index) => {
    const fail = (why: string): never => {
      throw new BusError('invalid_message', `message ${index}: ${why}`, { index });
    };
    if (typeof m.id !== 'string' || m.id.length === 0 || m.id.length > MAX_ID_CHARS) fail(`id must be 1-${MAX_ID_CHARS} characters`);
    if (CONTROL.test(m.id) || m.id.trim() !== m.id) fail('id must not contain control characters or surrounding spaces');
    if (typeof m.key !== 'string' || m.key.length === 0 || m.key.length > MAX_KEY_CHARS) fail(`key must be 1-${MAX_KEY_CHARS} characters`);
    if (CONTROL.test(m.key)) fail('key must not contain control characters');
    if (!(m.data instanceof Uint8Array)) fail('data must be a Uint8Array');
    if (m.data.byteLength > maxMessageBytes) fail(`data is ${m.data.byteLength} bytes, more than ${maxMessageBytes}`);
    const headers = Object.entries(m.headers ?? {});
    if (headers.length > MAX_HEADERS) fail(`more than ${MAX_HEADERS} headers`);
    for (const [name, value] of headers) {
      if (!HEADER_NAME.test(name)) fail(`header name "${name}" must be letters, digits and '-'`);
      if (RESERVED_HEADER.test(name)) fail(`header name "${name}" is reserved`);
      if (typeof value !== 'string' || value.length > MAX_HEADER_VALUE_CHARS || CONTROL.test(value)) {
        fail(`header "${name}" must be a string of at most ${MAX_HEADER_VALUE_CHARS} characters without control characters`);
      }
    }
  });
}

/** Validates a positive integer option, with a clear `misconfigured` error. */
export function positiveInt(name: string, value: number | undefined, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < 1 || v > max) {
    throw new BusError('misconfigured', `${name} must be an integer between 1 and ${max}, got ${String(v)}`);
  }
  return v;
}
