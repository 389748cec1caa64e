/**
 * The committed generated client matches the OpenAPI document of the CURRENT server code: the app
 * is built from its TypeScript sources over an in-memory SQLite store and asked for its document,
 * exactly as scripts/generate-client.mjs does from the compiled code. A route change without
 * regeneration fails here.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type SafeguardApp } from '@safeguard/server';
import { migrateToLatest, openDatabase, SafeguardStore } from '@safeguard/store';
import { listOperations, operationName, renderClient, type OpenApiDocument } from '../src/codegen.js';

const GENERATED = join(import.meta.dirname, '..', 'src', 'api.generated.ts');

let app: SafeguardApp;
let store: SafeguardStore;
let document: OpenApiDocument;

beforeAll(async () => {
  const handle = openDatabase(':memory:');
  await migrateToLatest(handle, null);
  store = SafeguardStore.fromHandle(handle);
  app = await buildApp({ store, logLevel: 'silent' });
  await app.ready();
  document = app.swagger() as unknown as OpenApiDocument;
});

afterAll(async () => {
  await app.close();
  await store.close();
});

describe('generated client', () => {
  it('is up to date with the server\'s OpenAPI document (run node scripts/generate-client.mjs when this fails)', () => {
    const fresh = renderClient(document);
    const committed = readFileSync(GENERATED, 'utf8');
    if (committed !== fresh) {
      const names = new Set(listOperations(document).map((o) => o.name));
      const missing = [...names].filter((n) => !committed.includes(`  ${n}(`));
      expect.fail(`packages/client/src/api.generated.ts is stale${missing.length ? ` (missing: ${missing.join(', ')})` : ''}: run node scripts/generate-client.mjs`);
    }
  });

  it('has one method per documented operation, named from method and path', () => {
    const committed = readFileSync(GENERATED, 'utf8');
    let count = 0;
    for (const [path, item] of Object.entries(document.paths)) {
      for (const method of Object.keys(item)) {
        count += 1;
        expect(committed).toContain(`  ${operationName(method, path)}(`);
      }
    }
    expect(count).toBe(listOperations(document).length);
    expect(operationName('put', '/v1/accounts/{id}')).toBe('putAccountsById');
    expect(operationName('post', '/v1/connections/{action}')).toBe('postConnectionsByAction');
    expect(operationName('post', '/api/v1/report')).toBe('postApiV1Report');
  });

  it('is deterministic and rejects two routes that would share a name', () => {
    expect(renderClient(document)).toBe(renderClient(structuredClone(document)));
    const clash: OpenApiDocument = {
      openapi: '3.1.0',
      info: { title: 't', version: '1' },
      paths: { '/v1/a-b': { get: {} }, '/v1/a_b': { get: {} } },
    };
    expect(() => renderClient(clash)).toThrow(/both be named getAB/);
  });

  it('types JSON Schema constructs the server uses', () => {
    const text = renderClient({
      openapi: '3.1.0',
      info: { title: 't', version: '1' },
      paths: {
        '/v1/things/{id}': {
          post: {
            parameters: [
              { name: 'id', in: 'path', required: true, schema: { type: 'string' } },
              { name: 'limit', in: 'query', schema: { type: 'integer', default: 10 } },
            ],
            requestBody: {
              required: true,
              content: {
                'application/json': {
                  schema: {
                    type: 'object',
                    properties: {
                      kind: { type: 'string', enum: ['a', 'b'] },
                      note: { anyOf: [{ type: 'string' }, { type: 'null' }] },
                      tags: { type: 'array', items: { type: 'string' } },
                      extra: { type: 'object', propertyNames: { type: 'string' }, additionalProperties: { type: 'number' } },
                      mode: { default: 'x', type: 'string' },
                    },
                    required: ['kind', 'note', 'mode'],
                    additionalProperties: false,
                  },
                },
              },
            },
            responses: { '201': { content: { 'application/json': { schema: { type: 'object', properties: { ok: { const: true } }, required: ['ok'] } } } } },
          },
        },
        '/v1/uploads': { post: { requestBody: { content: { 'image/png': {}, 'application/octet-stream': {} } }, responses: { '204': {} } } },
      },
    });
    expect(text).toContain('kind: "a" | "b";');
    expect(text).toContain('note: string | null;');
    expect(text).toContain('tags?: readonly string[];');
    expect(text).toContain('[key: string]: number;');
    expect(text).toContain('mode?: string;'); // a default makes it optional to send
    expect(text).toContain('limit?: number | string;');
    expect(text).toContain('ok: true;');
    expect(text).toContain('postThingsById(args: PostThingsById');
    expect(text).toContain('postUploads: { method: "POST", path: "/v1/uploads", body: "binary", contentType: "application/octet-stream" }');
    expect(text).toContain('response: undefined;');
  });
});
