#!/usr/bin/env node
// npm run bench -- <suite> [--write] [suite options]
// Runs bench/suites/<suite>.mjs against the built packages. `npm run bench -- list` lists suites.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from './lib.mjs';

const suitesDir = join(repoRoot, 'bench', 'suites');
const suites = readdirSync(suitesDir)
  .filter((f) => f.endsWith('.mjs'))
  .map((f) => f.replace(/\.mjs$/, ''))
  .sort();
const name = process.argv.slice(2).find((a) => !a.startsWith('-'));
if (!name || name === 'list' || !suites.includes(name)) {
  if (name && name !== 'list') console.error(`unknown benchmark suite "${name}"`);
  console.log(`usage: npm run bench -- <suite> [--write]\nsuites: ${suites.join(', ')}`);
  process.exit(name && name !== 'list' ? 2 : 0);
}
const suite = await import(pathToFileURL(join(suitesDir, `${name}.mjs`)).href);
await suite.run(process.argv.slice(3));
