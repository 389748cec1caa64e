#!/usr/bin/env node
// Enforces the dependency rule (docs/ARCHITECTURE.md):
//   core  <-  domain packages (pure)  <-  adapters  <-  apps
// Pure packages do no I/O: they may not import database, network, file-system or process modules,
// nor use fetch; they may import only @safeguard packages in lower layers.
// Usage: node scripts/check-boundaries.mjs [repo-root]   (exit 1 and a list of violations on failure)
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const root = resolve(process.argv[2] ?? '.');

/** Layer of each workspace package; a package may import @safeguard packages of a lower layer only. */
const LAYERS = {
  '@safeguard/core': 0,
  '@safeguard/policy': 1,
  '@safeguard/detect-text': 1,
  '@safeguard/media': 1,
  '@safeguard/cases': 1,
  '@safeguard/reporting': 1,
  '@safeguard/reporting-render': 2,
  '@safeguard/store': 2,
  '@safeguard/media-node': 2,
  '@safeguard/bus': 2,
  '@safeguard/client': 2,
  '@safeguard/server': 3,
  '@safeguard/cli': 4,
  '@safeguard/console': 4,
  // The reference platform and simulator: launched by the CLI (serve --demo-app, simulate).
  '@safeguard/demo': 3,
};
const PURE_LAYER_MAX = 1;

const FORBIDDEN_IN_PURE = [
  /^(node:)?fs(\/promises)?$/,
  /^(node:)?(net|http|https|http2|dgram|dns|tls|child_process|cluster|worker_threads|readline|inspector|repl|vm|v8)$/,
  /^(node:)?sqlite$/,
  /^better-sqlite3$/,
  /^pg(-.*)?$/,
  /^kysely/,
  /^@nats-io\//,
  /^nats$/,
  /^sharp$/,
  /^undici$/,
  /^node-fetch$/,
  /^axios$/,
  /^ws$/,
  /^fastify/,
  /^@tensorflow\//,
  /^nsfwjs$/,
  /^pdfkit$/,
];

const IMPORT_PATTERNS = [
  /\bimport\s+(?:type\s+)?(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/g,
  /\bexport\s+(?:type\s+)?[^'";]*?\sfrom\s+['"]([^'"]+)['"]/g,
  /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  /\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
];

function* sourceFiles(dir) {
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* sourceFiles(path);
    else if (/\.(ts|tsx|mts|js|mjs)$/.test(name) && !name.endsWith('.d.ts')) yield path;
  }
}

function stripComments(text) {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

const violations = [];
const packages = [];
for (const group of ['packages', 'apps']) {
  const base = join(root, group);
  if (!existsSync(base)) continue;
  for (const dir of readdirSync(base)) {
    const manifest = join(base, dir, 'package.json');
    if (existsSync(manifest)) packages.push({ dir: join(base, dir), pkg: JSON.parse(readFileSync(manifest, 'utf8')) });
  }
}

for (const { dir, pkg } of packages) {
  const layer = LAYERS[pkg.name];
  if (layer === undefined) {
    violations.push(`${relative(root, dir)}: package ${pkg.name} has no layer in scripts/check-boundaries.mjs`);
    continue;
  }
  const pure = layer <= PURE_LAYER_MAX;
  if (pure) {
    for (const dep of Object.keys(pkg.dependencies ?? {})) {
      if (FORBIDDEN_IN_PURE.some((re) => re.test(dep))) {
        violations.push(`${relative(root, dir)}/package.json: pure package ${pkg.name} depends on I/O module "${dep}"`);
      }
    }
  }
  for (const file of sourceFiles(join(dir, 'src'))) {
    const text = stripComments(readFileSync(file, 'utf8'));
    const rel = relative(root, file);
    for (const pattern of IMPORT_PATTERNS) {
      for (const match of text.matchAll(pattern)) {
        const spec = match[1];
        if (spec.startsWith('@safeguard/')) {
          const target = spec.split('/').slice(0, 2).join('/');
          const targetLayer = LAYERS[target];
          if (targetLayer === undefined) violations.push(`${rel}: imports unknown workspace package "${target}"`);
          else if (targetLayer >= layer && target !== pkg.name) {
            violations.push(`${rel}: ${pkg.name} (layer ${layer}) may not import ${target} (layer ${targetLayer})`);
          }
        } else if (pure && FORBIDDEN_IN_PURE.some((re) => re.test(spec))) {
          violations.push(`${rel}: pure package ${pkg.name} imports I/O module "${spec}"`);
        }
      }
    }
    if (pure && /(^|[^.\w])fetch\s*\(/.test(text)) violations.push(`${rel}: pure package ${pkg.name} calls fetch()`);
    if (pure && /\bprocess\.env\b/.test(text)) violations.push(`${rel}: pure package ${pkg.name} reads process.env`);
  }
}

if (violations.length > 0) {
  console.error(`Boundary check failed (${violations.length}):`);
  for (const v of violations) console.error(`  - ${v}`);
  process.exit(1);
}
console.log(`Boundary check passed: ${packages.length} packages, pure ones free of I/O.`);
