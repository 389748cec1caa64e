/**
 * Logger settings. Logs carry method, route, status and timing — never bodies, query strings,
 * headers or anything that could hold message text, birth dates or keys. Redaction paths are a
 * second line of defence for fields that might be logged by mistake.
 */
import type { FastifyServerOptions } from 'fastify';

export const REDACT_PATHS = [
  'req.headers.authorization',
  'headers.authorization',
  'authorization',
  'key',
  '*.key',
  'apiKey',
  '*.apiKey',
  'birthDate',
  '*.birthDate',
  'text',
  '*.text',
  'body',
  '*.body',
  'messages',
  '*.messages',
];

export function loggerOptions(level: string, stream?: NodeJS.WritableStream): NonNullable<FastifyServerOptions['logger']> {
  return {
    level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    serializers: {
      req: (req: { method?: string; url?: string; id?: string }) => ({
        id: req.id,
        method: req.method,
        // The path only: query strings can carry identifiers a log does not need.
        path: typeof req.url === 'string' ? req.url.split('?')[0] : undefined,
      }),
      res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
      err: (err: Error & { code?: string }) => ({ type: err.name, code: err.code, message: err.message, stack: err.stack }),
    },
    ...(stream ? { stream } : {}),
  } as NonNullable<FastifyServerOptions['logger']>;
}
