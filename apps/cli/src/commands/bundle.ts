/**
 * Disclosure bundles from the command line.
 *
 *   safeguard bundle create --from DATE --to DATE [--scope a,b] [--output DIR|FILE.tar] [--tenant T]
 *       JSON Lines files for the period and scope, a manifest with the SHA-256 of every file and the
 *       audit-chain head, signed with the tenant's Ed25519 key (or --signing-key FILE). Prints the
 *       bundle id and the signer's fingerprint, which recipients compare out of band.
 *   safeguard bundle verify DIR|FILE.tar [--key FINGERPRINT|PUBLIC_KEY_FILE] [--format text|json]
 *       Offline: checks the signature, every file's hash and size, files not in the manifest, and
 *       the audit-chain slice, and names every altered, missing or unexpected file.
 *
 * Exit codes: 0 intact; 1 the bundle was altered (or signed by another key than --key); 2 bad usage
 * or an input that is not a bundle at all (no such path, not a directory or tar archive); 3 the
 * database is unreachable (create).
 */
import { closeSync, createReadStream, existsSync, openSync, readFileSync, readdirSync, statSync, writeSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { Option, type Command } from 'commander';
import { SafeguardError } from '@safeguard/core';
import {
  MANIFEST_FILE,
  SIGNATURE_FILE,
  computeTransparencyReport,
  memoryReader,
  packTar,
  parsePeriod,
  unpackTar,
  verifyBundle,
  type BundleReader,
  type BundleVerification,
} from '@safeguard/reporting';
import { BUNDLE_SCOPES, RegulatorStore, StoreTransparencySource, type BundleScope } from '@safeguard/store';
import type { CliContext } from '../context.js';
import { resolveTenant } from '../context.js';
import { EXIT } from '../exit-codes.js';

const OPERATOR = 'operator:cli';

/** A BundleReader over a directory on disk; files are streamed, never read whole. */
export function directoryReader(root: string): BundleReader {
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
      const path = join(dir, entry.name);
      return entry.isDirectory() ? walk(path) : entry.isFile() ? [relative(root, path).split(sep).join('/')] : [];
    });
  return {
    list: () => Promise.resolve(walk(root)),
    open: (name) => {
      const path = join(root, ...name.split('/'));
      if (!existsSync(path) || !statSync(path).isFile()) return null;
      return createReadStream(path) as AsyncIterable<Uint8Array>;
    },
  };
}

/** Opens DIR or FILE.tar as a bundle, or explains why it is not one (usage error). */
function openBundle(path: string): BundleReader {
  if (!existsSync(path)) throw new SafeguardError('validation_failed', `No such bundle: ${path}`);
  if (statSync(path).isDirectory()) return directoryReader(path);
  return memoryReader(unpackTar(readFileSync(path)));
}

function report(ctx: CliContext, path: string, result: BundleVerification, format: 'text' | 'json'): void {
  if (format === 'json') {
    ctx.json({ bundle: path, ok: result.ok, bundleId: result.manifest?.bundleId ?? null, signer: result.signerFingerprint, signerTrusted: result.signerTrusted, problems: result.problems, files: result.files });
    return;
  }
  const m = result.manifest;
  if (m) ctx.out(`bundle ${m.bundleId}: ${m.tenant.name}, ${m.period.from}..${m.period.to}, scope ${m.scope.join(', ')}, audit chain at ${m.auditChain.seq}`);
  if (result.signerFingerprint) ctx.out(`signed by key ${result.signerFingerprint}${result.signerTrusted === true ? ' (trusted)' : result.signerTrusted === null ? ' (compare this fingerprint with the one the sender published, or pass --key)' : ''}`);
  for (const f of result.files) ctx.out(`${f.ok ? 'ok     ' : 'ALTERED'} ${f.name}`);
  if (result.ok) ctx.out('OK: the bundle is intact');
  else for (const p of result.problems) ctx.err(`${p.kind.toUpperCase()}${p.file ? ` ${p.file}` : ''}: ${p.message}`);
}

export function registerBundleCommand(program: Command, ctx: CliContext): void {
  const bundle = program.command('bundle').description('signed disclosure bundles (information notices)');

  bundle
    .command('create')
    .description('create a signed bundle of JSON Lines files for a period and scope')
    .requiredOption('--from <date>', 'first day, YYYY-MM-DD')
    .requiredOption('--to <date>', 'last day (inclusive), YYYY-MM-DD')
    .option('--scope <list>', `comma-separated: ${BUNDLE_SCOPES.join(', ')} (default all)`)
    .option('--output <path>', 'a directory, or a file ending in .tar (default ./bundle-<id>)')
    .option('--tenant <tenant>', 'tenant name or id (default: the only tenant)')
    .option('--signing-key <file>', "an Ed25519 private key (PKCS#8 PEM) instead of the tenant's stored key")
    .action(async (opts: { from: string; to: string; scope?: string; output?: string; tenant?: string; signingKey?: string }) => {
      const period = parsePeriod(opts.from, opts.to, { now: () => new Date() });
      const scope = (opts.scope ? opts.scope.split(',').map((s) => s.trim()).filter(Boolean) : [...BUNDLE_SCOPES]) as BundleScope[];
      const unknown = scope.filter((s) => !(BUNDLE_SCOPES as readonly string[]).includes(s));
      if (unknown.length > 0) throw new SafeguardError('validation_failed', `Unknown scope ${unknown.join(', ')}: choose from ${BUNDLE_SCOPES.join(', ')}`);
      let signingKeyPem: string | undefined;
      if (opts.signingKey) {
        if (!existsSync(opts.signingKey)) throw new SafeguardError('validation_failed', `No such signing key file: ${opts.signingKey}`);
        signingKeyPem = readFileSync(opts.signingKey, 'utf8');
      }
      await ctx.withStore(async (store) => {
        const tenant = await resolveTenant(store, opts.tenant);
        const regulator = new RegulatorStore(store);
        const bundleId = `bd_${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
        const tar = opts.output?.endsWith('.tar') ?? false;
        const dir = tar ? null : (opts.output ?? `bundle-${bundleId}`);
        if (dir && existsSync(dir) && readdirSync(dir).length > 0) throw new SafeguardError('validation_failed', `${dir} is not empty: choose a new directory`);
        const inMemory = new Map<string, Buffer[]>();
        const handles = new Map<string, number>();
        const report = scope.includes('transparency')
          ? await computeTransparencyReport(new StoreTransparencySource(store, tenant.id, { description: tenant.name }), period)
          : undefined;
        const built = await regulator.buildBundle(
          tenant.id,
          { period, scope, createdBy: OPERATOR, bundleId, ...(report ? { report } : {}), ...(signingKeyPem ? { signingKeyPem } : {}) },
          {
            file: (name) => {
              if (dir) {
                const path = join(dir, ...name.split('/'));
                mkdirSync(dirname(path), { recursive: true });
                handles.set(name, openSync(path, 'w'));
                return (chunk) => void writeSync(handles.get(name)!, chunk);
              }
              inMemory.set(name, []);
              return (chunk) => void inMemory.get(name)!.push(Buffer.from(chunk));
            },
            close: (name) => {
              const fd = handles.get(name);
              if (fd !== undefined) closeSync(fd);
              handles.delete(name);
            },
          },
        );
        if (dir) {
          writeFileSync(join(dir, MANIFEST_FILE), built.manifestText);
          writeFileSync(join(dir, SIGNATURE_FILE), built.signature);
        } else {
          const files = [
            { name: MANIFEST_FILE, bytes: Buffer.from(built.manifestText) },
            { name: SIGNATURE_FILE, bytes: Buffer.from(built.signature) },
            ...[...inMemory].map(([name, parts]) => ({ name, bytes: Buffer.concat(parts) })),
          ];
          writeFileSync(opts.output!, packTar(files, Date.now()));
        }
        await store.appendAudit(tenant.id, {
          actor: OPERATOR,
          action: 'bundle.create',
          target: built.manifest.bundleId,
          details: { period: { from: period.from, to: period.to }, scope, files: built.manifest.files.length, signer: built.manifest.signer.fingerprint },
        });
        ctx.out(`bundle ${built.manifest.bundleId} written to ${dir ?? opts.output}`);
        for (const f of built.manifest.files) ctx.out(`  ${f.name}  ${f.records} records  ${f.bytes} bytes  sha256 ${f.sha256}`);
        ctx.out(`signed by key ${built.manifest.signer.fingerprint} (publish this fingerprint so recipients can check the signer)`);
      });
    });

  bundle
    .command('verify <path>')
    .description('verify a bundle offline (a directory or a .tar); names every altered, missing or unexpected file; exit 1 if altered')
    .option('--key <fingerprint-or-file>', "the signer's key fingerprint (hex) or public key PEM file to trust")
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action(async (path: string, opts: { key?: string; format: 'text' | 'json' }) => {
      let trusted: string | undefined;
      if (opts.key) {
        if (/^[0-9a-f]{64}$/i.test(opts.key)) trusted = opts.key;
        else if (existsSync(opts.key)) trusted = readFileSync(opts.key, 'utf8');
        else throw new SafeguardError('validation_failed', '--key must be a 64-hex-digit fingerprint or a public key PEM file');
        if (!/^[0-9a-f]{64}$/i.test(trusted) && !trusted.includes('BEGIN PUBLIC KEY')) throw new SafeguardError('validation_failed', `${opts.key} is not a PEM public key`);
      }
      const result = await verifyBundle(openBundle(path), trusted);
      report(ctx, path, result, opts.format);
      if (!result.ok) process.exitCode = EXIT.findings;
    });
}
