#!/usr/bin/env node
// Installs the dependencies when they are missing or older than package-lock.json, so that
// `npm start` and `npm test` each work on a fresh clone as the first command. Uses `npm ci` (exact
// lockfile) when node_modules is absent, which downloads npm packages only.
import { existsSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const marker = join(root, 'node_modules', '.package-lock.json');
const lock = join(root, 'package-lock.json');

const major = Number(process.versions.node.split('.')[0]);
if (major !== 20) {
  console.warn(`Safeguard is built and tested on Node.js 20 (engines >=20.19 <21); this is ${process.version}.`);
}

const stale = !existsSync(marker) || (existsSync(lock) && statSync(lock).mtimeMs > statSync(marker).mtimeMs + 1000);
if (stale) {
  console.log('Installing dependencies (npm ci)…');
  const result = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error('npm ci failed; see the output above.');
    process.exit(result.status ?? 1);
  }
}
