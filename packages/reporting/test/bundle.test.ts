/**
 * Disclosure bundles: written in memory, signed with Ed25519, verified offline; every kind of
 * tampering is detected and the altered file is named.
 */
import { describe, expect, it } from 'vitest';
import { GENESIS_HASH, hashChainEntry } from '@safeguard/core';
import {
  JsonLinesWriter,
  MANIFEST_FILE,
  SIGNATURE_FILE,
  generateSigningKey,
  memoryReader,
  packTar,
  signManifest,
  unpackTar,
  verifyBundle,
  type BundleFileEntry,
} from '../src/index.js';

function auditEntries(n: number): { seq: number; prevHash: string; hash: string; at: string; actor: string; action: string; target: string | null; details: Record<string, unknown> }[] {
  const out = [];
  let prev = GENESIS_HASH;
  for (let seq = 1; seq <= n; seq += 1) {
    const content = { at: `2025-01-0${seq}T00:00:00.000Z`, actor: 'key:x:admin', action: 'settings.change', target: `acct-${seq}`, details: { key: 'design.autoplay' } };
    const hash = hashChainEntry(seq, prev, content);
    out.push({ seq, prevHash: prev, hash, ...content });
    prev = hash;
  }
  return out;
}

async function buildBundle(
  key = generateSigningKey(),
  audit = auditEntries(3),
): Promise<{ files: Map<string, Uint8Array>; fingerprint: string; publicKeyPem: string }> {
  const files = new Map<string, Uint8Array>();
  const entries: BundleFileEntry[] = [];
  const write = async (name: string, records: unknown[]): Promise<void> => {
    const chunks: Uint8Array[] = [];
    const w = new JsonLinesWriter(name, `${name} records`, (c) => {
      chunks.push(c);
    });
    await w.writeAll(records);
    entries.push(w.finish());
    files.set(name, Buffer.concat(chunks));
  };
  await write('data/audit.jsonl', audit);
  await write('data/decision-stats.jsonl', [{ day: '2025-01-01', action: 'message.send', outcome: 'deny', ruleId: 'DEF-05', count: 4 }]);
  const signed = signManifest(
    {
      bundleId: 'bd_test',
      tenant: { id: 'tn_1', name: 'acme' },
      period: { from: '2025-01-01', to: '2025-01-31' },
      scope: ['audit', 'decisions'],
      createdAt: '2025-02-01T00:00:00.000Z',
      createdBy: 'key:x:admin',
      auditChain: { seq: 3, hash: audit[2]!.hash },
      files: entries,
    },
    key.privateKeyPem,
  );
  files.set(MANIFEST_FILE, Buffer.from(signed.manifestText));
  files.set(SIGNATURE_FILE, Buffer.from(signed.signature));
  return { files, fingerprint: key.fingerprint, publicKeyPem: key.publicKeyPem };
}

describe('disclosure bundles', () => {
  it('verify when untouched, and against the signer’s key or fingerprint', async () => {
    const { files, fingerprint, publicKeyPem } = await buildBundle();
    const result = await verifyBundle(memoryReader(files));
    expect(result.problems).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.manifest?.files.map((f) => [f.name, f.records])).toEqual([
      ['data/audit.jsonl', 3],
      ['data/decision-stats.jsonl', 1],
    ]);
    expect((await verifyBundle(memoryReader(files), fingerprint)).signerTrusted).toBe(true);
    expect((await verifyBundle(memoryReader(files), publicKeyPem)).ok).toBe(true);
  });

  it('name an altered data file', async () => {
    const { files } = await buildBundle();
    const text = Buffer.from(files.get('data/decision-stats.jsonl')!).toString().replace('"count":4', '"count":1');
    files.set('data/decision-stats.jsonl', Buffer.from(text));
    const result = await verifyBundle(memoryReader(files));
    expect(result.ok).toBe(false);
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]).toMatchObject({ kind: 'altered', file: 'data/decision-stats.jsonl' });
    expect(result.files.find((f) => f.name === 'data/decision-stats.jsonl')?.ok).toBe(false);
  });

  it('detect a manifest edited to match an altered file (signature), and a re-signed one (untrusted signer)', async () => {
    const { files, fingerprint } = await buildBundle();
    const manifest = JSON.parse(Buffer.from(files.get(MANIFEST_FILE)!).toString()) as { files: { name: string; sha256: string }[] };
    manifest.files[0]!.sha256 = 'f'.repeat(64);
    files.set(MANIFEST_FILE, Buffer.from(JSON.stringify(manifest)));
    const edited = await verifyBundle(memoryReader(files));
    expect(edited.problems.map((p) => p.kind)).toEqual(['signature', 'altered']);

    // An attacker rewrites a file and re-signs with their own key: only the trusted key exposes it.
    const attacker = await buildBundle();
    expect((await verifyBundle(memoryReader(attacker.files))).ok).toBe(true);
    const checked = await verifyBundle(memoryReader(attacker.files), fingerprint);
    expect(checked.ok).toBe(false);
    expect(checked.problems[0]?.kind).toBe('untrusted-signer');
  });

  it('name missing and unexpected files, and a broken audit chain', async () => {
    const { files } = await buildBundle();
    files.delete('data/decision-stats.jsonl');
    files.set('data/extra.jsonl', Buffer.from('{}\n'));
    files.delete(SIGNATURE_FILE);
    const result = await verifyBundle(memoryReader(files));
    expect(result.problems.map((p) => [p.kind, p.file])).toEqual([
      ['missing', SIGNATURE_FILE],
      ['missing', 'data/decision-stats.jsonl'],
      ['unexpected', 'data/extra.jsonl'],
    ]);
    expect((await verifyBundle(memoryReader(new Map()))).problems[0]?.message).toContain('not a disclosure bundle');
    const garbage = new Map([[MANIFEST_FILE, Buffer.from('{not json')]]);
    expect((await verifyBundle(memoryReader(garbage))).problems[0]).toMatchObject({ kind: 'manifest', message: 'manifest.json is not valid JSON' });
  });

  it('report an audit chain that was already broken when the bundle was made', async () => {
    const audit = auditEntries(3);
    audit[1] = { ...audit[1]!, target: 'someone-else' };
    const { files } = await buildBundle(generateSigningKey(), audit);
    const result = await verifyBundle(memoryReader(files));
    expect(result.problems).toEqual([{ kind: 'audit-chain', file: 'data/audit.jsonl', message: 'audit entry 2 does not match its hash' }]);
  });

  it('round-trip through a tar archive that tar can read', async () => {
    const { files } = await buildBundle();
    const archive = packTar([...files].map(([name, bytes]) => ({ name, bytes })));
    expect(archive.length % 512).toBe(0);
    const back = unpackTar(archive);
    expect([...back.keys()].sort()).toEqual([...files.keys()].sort());
    expect((await verifyBundle(memoryReader(back))).ok).toBe(true);
    const corrupt = Buffer.from(archive);
    corrupt[10] = 0x41;
    expect(() => unpackTar(corrupt)).toThrow(/checksum/);
  });

  it('refuse file names outside data/ and keys that are not Ed25519', () => {
    expect(() => new JsonLinesWriter('../etc/passwd', 'x', () => undefined)).toThrow(/data\/<name>\.jsonl/);
    expect(() => signManifest({ bundleId: 'b', tenant: { id: 't', name: 't' }, period: { from: '2025-01-01', to: '2025-01-01' }, scope: [], createdAt: 'x', createdBy: 'x', auditChain: { seq: 0, hash: GENESIS_HASH }, files: [] }, 'nope')).toThrow(/PEM/);
  });
});
