/**
 * Serving the console at /console (apps/server/src/console-static.ts) through the real app:
 * index.html for the console's client-side routes, uncached and with a strict Content-Security-
 * Policy; hashed assets cached as immutable; unknown files and path tricks are a 404 in the API's
 * error shape; an unbuilt console explains how to build it; the routes are public and stay out of
 * the OpenAPI document.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleDir } from '../src/console-static.js';
import { createTestServer, type TestServer } from './harness.js';

const INDEX = '<!doctype html><html><head><script type="module" src="/console/assets/app-abc123.js"></script></head><body><div id="root"></div></body></html>';
let dir = '';
let built: TestServer;
let unbuilt: TestServer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sg-console-static-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), INDEX);
  writeFileSync(join(dir, 'assets', 'app-abc123.js'), 'console.log("console")');
  writeFileSync(join(dir, 'secret.txt'), 'not an asset');
  process.env.SAFEGUARD_CONSOLE_DIR = dir;
  built = await createTestServer();
  process.env.SAFEGUARD_CONSOLE_DIR = join(dir, 'nowhere');
  unbuilt = await createTestServer();
  delete process.env.SAFEGUARD_CONSOLE_DIR;
});

afterAll(async () => {
  await built.close();
  await unbuilt.close();
  rmSync(dir, { recursive: true, force: true });
});

const get = (server: TestServer, url: string) => server.app.inject({ method: 'GET', url });

describe('the console at /console', () => {
  it('answers index.html for /console and its client-side routes, uncached, with a strict CSP', async () => {
    for (const url of ['/console', '/console/', '/console/queue', '/console/cases/cs_0123456789abcdef', '/console/regulator/breaches?x=1']) {
      const r = await get(built, url);
      expect(r.statusCode, url).toBe(200);
      expect(r.body).toBe(INDEX);
      expect(r.headers['content-type']).toMatch(/^text\/html/);
      expect(r.headers['cache-control']).toBe('no-cache');
      const csp = String(r.headers['content-security-policy']);
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("connect-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(r.headers['x-content-type-options']).toBe('nosniff');
    }
  });

  it('serves hashed assets as immutable, without authentication', async () => {
    const r = await get(built, '/console/assets/app-abc123.js');
    expect(r.statusCode).toBe(200);
    expect(r.body).toBe('console.log("console")');
    expect(r.headers['content-type']).toMatch(/javascript/);
    expect(r.headers['cache-control']).toContain('immutable');
    expect(r.headers['cache-control']).toContain('max-age=31536000');
  });

  it('answers unknown files and path tricks with a 404 in the API error shape, never a file outside assets', async () => {
    for (const url of ['/console/assets/missing.js', '/console/favicon.ico', '/console/secret.txt', '/console/assets/..%2fsecret.txt', '/console/assets/../secret.txt', '/console/..%2f..%2fpackage.json']) {
      const r = await get(built, url);
      expect(r.statusCode, url).toBe(404);
      expect(r.body, url).not.toContain('not an asset');
      expect(r.json<{ error: { code: string } }>().error.code, url).toBe('not_found');
    }
  });

  it('explains how to build the console when it has not been built', async () => {
    const r = await get(unbuilt, '/console/queue');
    expect(r.statusCode).toBe(503);
    expect(r.body).toContain('npm run build');
  });

  it('keeps the console routes public and out of the OpenAPI document; the API still needs keys', async () => {
    const doc = (await get(built, '/openapi.json')).json<{ paths: Record<string, unknown> }>();
    expect(Object.keys(doc.paths).filter((p) => p.startsWith('/console'))).toEqual([]);
    expect((await get(built, '/v1/me')).statusCode).toBe(401);
    const routes = built.app.routeTable.filter((r) => String(r.url).startsWith('/console'));
    expect(routes.length).toBeGreaterThan(0);
    expect(routes.every((r) => r.config?.permission === null)).toBe(true);
  });

  it('finds the build next to the server package by default', () => {
    expect(consoleDir({})).toMatch(/apps[\\/]console[\\/]dist$/);
    expect(consoleDir({ SAFEGUARD_CONSOLE_DIR: '/srv/console' })).toBe('/srv/console');
  });
});
