#!/usr/bin/env node
// Entry point of `npx safeguard`. Runs the compiled CLI; builds the workspace first when it has
// not been built yet (a fresh clone after `npm install`).
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const main = join(here, '..', 'dist', 'main.js');
if (!existsSync(main)) {
  const root = join(here, '..', '..', '..');
  process.stderr.write('safeguard: building the workspace first (tsc -b)…\n');
  const result = spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-b'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
const { runCli } = await import(pathToFileURL(main).href);
process.exitCode = await runCli(process.argv);
