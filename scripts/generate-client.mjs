#!/usr/bin/env node
// Generates packages/client/src/api.generated.ts from the OpenAPI document of the REAL server code:
// the Fastify app is built in-process over a throw-away in-memory SQLite store and asked for its
// document (app.swagger()) — no network, no running server. The server and the client's codegen
// are compiled first (tsc -b, incremental), so the document always reflects the current sources.
//
// Usage: node scripts/generate-client.mjs [--check] [--openapi FILE]
//   --check          exit 1 (and write nothing) when the committed file differs from a fresh one
//   --openapi FILE   also write the OpenAPI document to FILE (for inspection)
// packages/client/test/generated.test.ts makes the same comparison from the TypeScript sources.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const target = join(root, 'packages', 'client', 'src', 'api.generated.ts');
const args = process.argv.slice(2);
const check = args.includes('--check');
const openapiAt = args.indexOf('--openapi');
const openapiFile = openapiAt >= 0 ? args[openapiAt + 1] : undefined;

const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const built = spawnSync(process.execPath, [tsc, '-b', 'apps/server', 'packages/client'], { cwd: root, stdio: 'inherit' });
if (built.status !== 0) {
  console.error('generate-client: the server or the client does not compile; fix that first.');
  process.exit(built.status ?? 1);
}

const load = (rel) => import(pathToFileURL(join(root, rel)).href);
const { buildApp } = await load('apps/server/dist/index.js');
const { openDatabase, migrateToLatest, SafeguardStore } = await load('packages/store/dist/index.js');
const { renderClient, listOperations } = await load('packages/client/dist/codegen.js');

const handle = openDatabase(':memory:');
await migrateToLatest(handle, null);
const store = SafeguardStore.fromHandle(handle);
const app = await buildApp({ store, logLevel: 'silent' });
let document;
try {
  await app.ready();
  document = app.swagger();
} finally {
  await app.close();
  await store.close();
}

const text = renderClient(document);
if (openapiFile) writeFileSync(openapiFile, `${JSON.stringify(document, null, 2)}\n`);
const current = existsSync(target) ? readFileSync(target, 'utf8') : '';
const count = listOperations(document).length;
if (check) {
  if (current !== text) {
    console.error(`generate-client: ${target} is stale; run node scripts/generate-client.mjs`);
    process.exit(1);
  }
  console.log(`generate-client: up to date (${count} operations)`);
} else if (current === text) {
  console.log(`generate-client: unchanged (${count} operations)`);
} else {
  writeFileSync(target, text);
  console.log(`generate-client: wrote ${target} (${count} operations)`);
}
