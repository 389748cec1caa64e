/**
 * Serves the moderator and regulator console — the static Vite build of apps/console — at
 * /console, from the same origin as the API (the console calls /v1 with the signed-in key; no CORS,
 * no CDN, works offline). Public routes: the console holds no data until a key signs in.
 *
 * Contract:
 *  - /console and every client-side route under it (/console/queue, /console/cases/cs_…) answer
 *    index.html, uncached, so deep links and reloads work;
 *  - /console/assets/* are content-hashed build files, cached for a year (immutable);
 *  - an unknown asset (a path with a file extension) is a 404 in the API's error shape;
 *  - when the console has not been built, /console says how to build it (503) instead of failing;
 *  - console pages carry a strict Content-Security-Policy: scripts, styles and data from this
 *    origin only; images also from https: and data: (media revealed in a case is the platform's).
 * The build directory is apps/console/dist next to this package, or SAFEGUARD_CONSOLE_DIR.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { errorBody } from './http-errors.js';

export const CONSOLE_PREFIX = '/console';

/** Where the built console is: SAFEGUARD_CONSOLE_DIR, or apps/console/dist (from src/ and dist/ alike). */
export function consoleDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.SAFEGUARD_CONSOLE_DIR ? resolve(env.SAFEGUARD_CONSOLE_DIR) : resolve(dirname(fileURLToPath(import.meta.url)), '../../console/dist');
}

const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  // ECharts' SVG renderer writes style attributes.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: https:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

function pageHeaders(reply: FastifyReply): FastifyReply {
  return reply
    .header('content-security-policy', CSP)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('x-frame-options', 'DENY');
}

const NOT_BUILT = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Safeguard console not built</title></head>
<body style="font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;line-height:1.5">
<h1>The console has not been built</h1>
<p>Build it with <code>npm run build</code> (or <code>npm run build --workspace @safeguard/console</code>) and restart the server.
The API itself is running: see <a href="/docs">/docs</a>.</p></body></html>`;

export async function registerConsole(app: FastifyInstance, dir: string = consoleDir()): Promise<void> {
  await app.register(async (scope) => {
    // serve:false — only reply.sendFile, from this encapsulated scope; the routes below decide what is served.
    await scope.register(fastifyStatic, { root: dir, serve: false, suppressWarning: true, dotfiles: 'deny', index: false });

    const sendIndex = (reply: FastifyReply): FastifyReply => {
      if (!existsSync(join(dir, 'index.html'))) return pageHeaders(reply).status(503).type('text/html; charset=utf-8').send(NOT_BUILT);
      return pageHeaders(reply).header('cache-control', 'no-cache').sendFile('index.html', dir, { cacheControl: false });
    };

    scope.get(CONSOLE_PREFIX, { config: { permission: null }, schema: { hide: true } }, (_request, reply) => sendIndex(reply));

    scope.get(`${CONSOLE_PREFIX}/*`, { config: { permission: null }, schema: { hide: true } }, (request, reply) => {
      const rest = (request.params as { '*'?: string })['*'] ?? '';
      if (rest.startsWith('assets/') && !rest.includes('..')) {
        if (existsSync(join(dir, rest))) {
          return pageHeaders(reply).sendFile(rest, dir, { immutable: true, maxAge: '365d' });
        }
        return reply.status(404).send(errorBody('not_found', `No console asset ${rest}`));
      }
      // A missing file (favicon.ico, a stale chunk) is a 404; anything else is a client-side route.
      if (/\.[a-z0-9]{1,8}$/i.test(rest)) return reply.status(404).send(errorBody('not_found', `No console file ${rest}`));
      return sendIndex(reply);
    });
  });
}
