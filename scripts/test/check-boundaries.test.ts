import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const script = join(import.meta.dirname, '..', 'check-boundaries.mjs');
const dirs: string[] = [];

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'sg-boundary-'));
  dirs.push(dir);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

function run(dir: string): { code: number; output: string } {
  try {
    return { code: 0, output: execFileSync('node', [script, dir], { encoding: 'utf8', stdio: 'pipe' }) };
  } catch (error) {
    const e = error as { status: number; stderr: string };
    return { code: e.status, output: e.stderr };
  }
}

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const pkg = (name: string, deps: Record<string, string> = {}): string => JSON.stringify({ name, dependencies: deps });

describe('boundary check', () => {
  it('passes the real repository', () => {
    expect(run(join(import.meta.dirname, '..', '..')).code).toBe(0);
  });

  it('fails when a pure package imports the file system', () => {
    const dir = tree({
      'packages/policy/package.json': pkg('@safeguard/policy'),
      'packages/policy/src/x.ts': "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n",
    });
    const result = run(dir);
    expect(result.code).toBe(1);
    expect(result.output).toContain('imports I/O module "node:fs"');
  });

  it('fails when a pure package imports a database driver or calls fetch', () => {
    const dir = tree({
      'packages/media/package.json': pkg('@safeguard/media', { pg: '8.0.0' }),
      'packages/media/src/a.ts': "export { Pool } from 'pg';\n",
      'packages/media/src/b.ts': "export const get = () => fetch('http://x');\n",
    });
    const result = run(dir);
    expect(result.code).toBe(1);
    expect(result.output).toContain('depends on I/O module "pg"');
    expect(result.output).toContain('imports I/O module "pg"');
    expect(result.output).toContain('calls fetch()');
  });

  it('fails when a lower layer imports a higher one', () => {
    const dir = tree({
      'packages/core/package.json': pkg('@safeguard/core'),
      'packages/core/src/a.ts': "import type { SafeguardStore } from '@safeguard/store';\nexport type S = SafeguardStore;\n",
    });
    const result = run(dir);
    expect(result.code).toBe(1);
    expect(result.output).toContain('may not import @safeguard/store');
  });

  it('ignores imports mentioned in comments', () => {
    const dir = tree({
      'packages/core/package.json': pkg('@safeguard/core'),
      'packages/core/src/a.ts': "// import { readFileSync } from 'node:fs';\nexport const a = 1;\n",
    });
    expect(run(dir).code).toBe(0);
  });
});
