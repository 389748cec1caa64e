/**
 * Disclosure bundles answering an information notice: JSON Lines files plus a manifest listing the
 * SHA-256 and size of every file and the head of the tenant's audit chain at creation, signed with
 * Ed25519. Verification is offline: it needs only the bundle (and, to establish who signed it, the
 * signer's public key or its fingerprint), and it names every altered, missing or unexpected file.
 *
 * Pure: bytes go to a sink the adapter provides (a file, a tar archive, an HTTP response) and are
 * read back through a reader; node:crypto does the hashing and signing.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { GENESIS_HASH, SafeguardError, canonicalJson, hashChainEntry } from '@safeguard/core';

export const BUNDLE_FORMAT = 'safeguard-disclosure/1';
export const MANIFEST_FILE = 'manifest.json';
export const SIGNATURE_FILE = 'manifest.sig';
/** Bundle files live in this folder, so the manifest and signature can never be shadowed. */
export const DATA_DIR = 'data';

export interface BundleFileEntry {
  /** Path inside the bundle, e.g. 'data/audit.jsonl'. */
  readonly name: string;
  readonly sha256: string;
  readonly bytes: number;
  /** JSON Lines records in the file. */
  readonly records: number;
  readonly description: string;
}

export interface BundleManifest {
  readonly format: typeof BUNDLE_FORMAT;
  readonly bundleId: string;
  readonly tenant: { readonly id: string; readonly name: string };
  readonly period: { readonly from: string; readonly to: string };
  /** What the notice asked for, e.g. ['audit', 'decisions', 'transparency']. */
  readonly scope: readonly string[];
  readonly createdAt: string;
  readonly createdBy: string;
  /** Head of the tenant's tamper-evident audit chain when the bundle was made. */
  readonly auditChain: { readonly seq: number; readonly hash: string };
  readonly files: readonly BundleFileEntry[];
  readonly signer: { readonly algorithm: 'Ed25519'; readonly publicKey: string; readonly fingerprint: string };
}

// ---- keys ------------------------------------------------------------------------------------

export interface SigningKey {
  /** PKCS#8 PEM; keep it secret. */
  readonly privateKeyPem: string;
  /** SPKI PEM; publish it (or its fingerprint) so recipients can check who signed. */
  readonly publicKeyPem: string;
  readonly fingerprint: string;
}

/** SHA-256 of the DER-encoded public key, hex: what recipients compare out of band. */
export function keyFingerprint(publicKey: KeyObject | string): string {
  const key = typeof publicKey === 'string' ? createPublicKey(publicKey) : publicKey;
  return createHash('sha256').update(key.export({ type: 'spki', format: 'der' })).digest('hex');
}

export function generateSigningKey(): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    fingerprint: keyFingerprint(publicKey),
  };
}

function privateKeyOf(pem: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch {
    throw new SafeguardError('validation_failed', 'The signing key is not a PEM private key');
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new SafeguardError('validation_failed', `The signing key must be Ed25519, not ${key.asymmetricKeyType ?? 'unknown'}`);
  return key;
}

// ---- writing -----------------------------------------------------------------------------------

export type ByteSink = (chunk: Uint8Array) => void | Promise<void>;

const encoder = new TextEncoder();

/** One JSON Lines file being written: hashes and counts as it goes, never holding the content. */
export class JsonLinesWriter {
  private readonly hash = createHash('sha256');
  private bytes = 0;
  private records = 0;
  private finished = false;

  constructor(
    readonly name: string,
    readonly description: string,
    private readonly sink: ByteSink,
  ) {
    if (!/^data\/[A-Za-z0-9._-]+\.jsonl$/.test(name)) {
      throw new SafeguardError('validation_failed', `bundle file names are data/<name>.jsonl, not "${name}"`);
    }
  }

  async write(record: unknown): Promise<void> {
    if (this.finished) throw new SafeguardError('internal', `${this.name} is already finished`);
    const chunk = encoder.encode(`${JSON.stringify(record)}\n`);
    this.hash.update(chunk);
    this.bytes += chunk.length;
    this.records += 1;
    await this.sink(chunk);
  }

  async writeAll(records: AsyncIterable<unknown> | Iterable<unknown>): Promise<void> {
    for await (const record of records) await this.write(record);
  }

  finish(): BundleFileEntry {
    this.finished = true;
    return { name: this.name, sha256: this.hash.digest('hex'), bytes: this.bytes, records: this.records, description: this.description };
  }
}

export interface ManifestInput {
  readonly bundleId: string;
  readonly tenant: { readonly id: string; readonly name: string };
  readonly period: { readonly from: string; readonly to: string };
  readonly scope: readonly string[];
  readonly createdAt: string;
  readonly createdBy: string;
  readonly auditChain: { readonly seq: number; readonly hash: string };
  readonly files: readonly BundleFileEntry[];
}

/** The manifest and its detached signature (base64), ready to write as manifest.json and manifest.sig. */
export function signManifest(input: ManifestInput, privateKeyPem: string): { manifest: BundleManifest; manifestText: string; signature: string } {
  const key = privateKeyOf(privateKeyPem);
  const publicKey = createPublicKey(key);
  const names = new Set<string>();
  for (const f of input.files) {
    if (names.has(f.name)) throw new SafeguardError('validation_failed', `bundle file "${f.name}" appears twice`);
    names.add(f.name);
  }
  const manifest: BundleManifest = {
    format: BUNDLE_FORMAT,
    ...input,
    files: [...input.files].sort((a, b) => (a.name < b.name ? -1 : 1)),
    signer: {
      algorithm: 'Ed25519',
      publicKey: (publicKey.export({ type: 'spki', format: 'der' })).toString('base64'),
      fingerprint: keyFingerprint(publicKey),
    },
  };
  // The signature covers the canonical JSON of the manifest, so whitespace in the file is irrelevant.
  const signature = sign(null, Buffer.from(canonicalJson(manifest)), key).toString('base64');
  return { manifest, manifestText: `${JSON.stringify(manifest, null, 2)}\n`, signature: `${signature}\n` };
}

// ---- verifying ---------------------------------------------------------------------------------

export type BundleProblemKind = 'manifest' | 'signature' | 'untrusted-signer' | 'altered' | 'missing' | 'unexpected' | 'audit-chain';

export interface BundleProblem {
  readonly kind: BundleProblemKind;
  /** The file concerned, when there is one. */
  readonly file: string | null;
  readonly message: string;
}

export interface BundleVerification {
  readonly ok: boolean;
  readonly manifest: BundleManifest | null;
  readonly signerFingerprint: string | null;
  /** True when the signer matched the trusted key or fingerprint given; null when none was given. */
  readonly signerTrusted: boolean | null;
  readonly files: readonly { readonly name: string; readonly ok: boolean; readonly expectedSha256: string; readonly actualSha256: string | null }[];
  readonly problems: readonly BundleProblem[];
}

export interface BundleReader {
  /** Every file path in the bundle (manifest and signature included). */
  list(): Promise<readonly string[]>;
  /** The file's bytes in chunks, or null when absent. */
  open(name: string): AsyncIterable<Uint8Array> | Iterable<Uint8Array> | null;
}

async function readText(reader: BundleReader, name: string): Promise<string | null> {
  const stream = reader.open(name);
  if (!stream) return null;
  const parts: Uint8Array[] = [];
  for await (const chunk of stream) parts.push(chunk);
  return Buffer.concat(parts).toString('utf8');
}

function parseManifest(text: string): BundleManifest | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'manifest.json is not valid JSON';
  }
  const m = value as Partial<BundleManifest> | null;
  if (!m || typeof m !== 'object' || m.format !== BUNDLE_FORMAT) return `manifest.json is not a ${BUNDLE_FORMAT} manifest`;
  if (!Array.isArray(m.files) || !m.signer || typeof m.signer.publicKey !== 'string' || !m.auditChain) return 'manifest.json lacks files, signer or auditChain';
  for (const f of m.files as unknown[]) {
    const e = f as Partial<BundleFileEntry> | null;
    if (!e || typeof e.name !== 'string' || typeof e.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(e.sha256)) return 'manifest.json has a malformed file entry';
    if (e.name.includes('..') || e.name.startsWith('/') || !e.name.startsWith(`${DATA_DIR}/`)) return `manifest.json names a file outside ${DATA_DIR}/: ${e.name}`;
  }
  return m as BundleManifest;
}

/**
 * Verifies a bundle offline: manifest shape, Ed25519 signature over it, the signer against
 * `trusted` (a PEM public key or a hex fingerprint, when given), then the SHA-256 and size of
 * every listed file, files present but not listed, and the audit-chain slice in data/audit.jsonl.
 */
export async function verifyBundle(reader: BundleReader, trusted?: string): Promise<BundleVerification> {
  const problems: BundleProblem[] = [];
  const fail = (manifest: BundleManifest | null): BundleVerification => ({
    ok: false,
    manifest,
    signerFingerprint: null,
    signerTrusted: null,
    files: [],
    problems,
  });
  const manifestText = await readText(reader, MANIFEST_FILE);
  if (manifestText === null) {
    problems.push({ kind: 'missing', file: MANIFEST_FILE, message: 'manifest.json is missing: this is not a disclosure bundle' });
    return fail(null);
  }
  const parsed = parseManifest(manifestText);
  if (typeof parsed === 'string') {
    problems.push({ kind: 'manifest', file: MANIFEST_FILE, message: parsed });
    return fail(null);
  }
  const manifest = parsed;
  const signatureText = await readText(reader, SIGNATURE_FILE);
  let publicKey: KeyObject | null = null;
  try {
    publicKey = createPublicKey({ key: Buffer.from(manifest.signer.publicKey, 'base64'), format: 'der', type: 'spki' });
  } catch {
    problems.push({ kind: 'manifest', file: MANIFEST_FILE, message: 'the signer public key in manifest.json is not a valid key' });
  }
  const fingerprint = publicKey ? keyFingerprint(publicKey) : null;
  if (signatureText === null) {
    problems.push({ kind: 'missing', file: SIGNATURE_FILE, message: 'manifest.sig is missing: the manifest is unsigned' });
  } else if (publicKey) {
    const valid = verify(null, Buffer.from(canonicalJson(manifest)), publicKey, Buffer.from(signatureText.trim(), 'base64'));
    if (!valid) problems.push({ kind: 'signature', file: MANIFEST_FILE, message: 'the signature does not match manifest.json: the manifest (or the signature) was altered' });
  }
  let signerTrusted: boolean | null = null;
  if (trusted !== undefined && fingerprint !== null) {
    const expected = /^[0-9a-f]{64}$/i.test(trusted.trim()) ? trusted.trim().toLowerCase() : keyFingerprint(trusted);
    signerTrusted = expected === fingerprint;
    if (!signerTrusted) problems.push({ kind: 'untrusted-signer', file: MANIFEST_FILE, message: `signed by key ${fingerprint}, not the trusted key ${expected}` });
  }
  const files: { name: string; ok: boolean; expectedSha256: string; actualSha256: string | null }[] = [];
  const present = new Set(await reader.list());
  for (const entry of manifest.files) {
    const stream = present.has(entry.name) ? reader.open(entry.name) : null;
    if (!stream) {
      problems.push({ kind: 'missing', file: entry.name, message: `${entry.name} is listed in the manifest but missing` });
      files.push({ name: entry.name, ok: false, expectedSha256: entry.sha256, actualSha256: null });
      continue;
    }
    const hash = createHash('sha256');
    let bytes = 0;
    for await (const chunk of stream) {
      hash.update(chunk);
      bytes += chunk.length;
    }
    const actual = hash.digest('hex');
    const ok = actual === entry.sha256 && bytes === entry.bytes;
    if (!ok) problems.push({ kind: 'altered', file: entry.name, message: `${entry.name} was altered: SHA-256 ${actual} (${bytes} bytes), manifest says ${entry.sha256} (${entry.bytes} bytes)` });
    files.push({ name: entry.name, ok, expectedSha256: entry.sha256, actualSha256: actual });
  }
  const listed = new Set([MANIFEST_FILE, SIGNATURE_FILE, ...manifest.files.map((f) => f.name)]);
  for (const name of [...present].sort()) {
    if (!listed.has(name)) problems.push({ kind: 'unexpected', file: name, message: `${name} is in the bundle but not in the manifest` });
  }
  const audit = manifest.files.find((f) => f.name === `${DATA_DIR}/audit.jsonl`);
  if (audit && files.find((f) => f.name === audit.name)?.ok) {
    const text = await readText(reader, audit.name);
    for (const p of verifyAuditSlice(text ?? '', manifest.auditChain)) problems.push({ kind: 'audit-chain', file: audit.name, message: p });
  }
  return { ok: problems.length === 0, manifest, signerFingerprint: fingerprint, signerTrusted, files, problems };
}

/** The audit-entry fields as the store exports them. */
export interface ExportedAuditEntry {
  readonly seq: number;
  readonly prevHash: string;
  readonly hash: string;
  readonly at: string;
  readonly actor: string;
  readonly action: string;
  readonly target: string | null;
  readonly details: Readonly<Record<string, unknown>>;
}

/**
 * Checks a consecutive slice of an audit chain (JSON Lines): every entry's hash covers its content,
 * each links to the one before, sequence numbers have no gaps, and nothing in it is later than the
 * head recorded in the manifest (whose hash it must equal when the slice reaches it).
 */
export function verifyAuditSlice(text: string, head: { readonly seq: number; readonly hash: string }): string[] {
  const problems: string[] = [];
  let prev: ExportedAuditEntry | null = null;
  for (const [i, line] of text.split('\n').entries()) {
    if (line.trim() === '') continue;
    let e: ExportedAuditEntry;
    try {
      e = JSON.parse(line) as ExportedAuditEntry;
    } catch {
      problems.push(`line ${i + 1} is not JSON`);
      continue;
    }
    const content = { at: e.at, actor: e.actor, action: e.action, target: e.target, details: e.details };
    if (hashChainEntry(e.seq, e.prevHash, content) !== e.hash) problems.push(`audit entry ${e.seq} does not match its hash`);
    if (prev && (e.seq !== prev.seq + 1 || e.prevHash !== prev.hash)) problems.push(`audit entry ${e.seq} does not follow entry ${prev.seq}`);
    if (!prev && e.seq === 1 && e.prevHash !== GENESIS_HASH) problems.push('audit entry 1 does not start the chain');
    if (e.seq > head.seq) problems.push(`audit entry ${e.seq} is after the chain head recorded in the manifest (${head.seq})`);
    if (e.seq === head.seq && e.hash !== head.hash) problems.push(`audit entry ${e.seq} is not the chain head recorded in the manifest`);
    prev = e;
  }
  return problems;
}

// ---- single-file bundles (POSIX ustar) -----------------------------------------------------------

const BLOCK = 512;

function tarHeader(name: string, size: number, mtime: number): Uint8Array {
  if (Buffer.byteLength(name) > 100) throw new SafeguardError('validation_failed', `bundle path too long for tar: ${name}`);
  const h = Buffer.alloc(BLOCK, 0);
  h.write(name, 0, 100, 'utf8');
  h.write('0000644\0', 100, 8, 'ascii');
  h.write('0000000\0', 108, 8, 'ascii');
  h.write('0000000\0', 116, 8, 'ascii');
  h.write(`${size.toString(8).padStart(11, '0')}\0`, 124, 12, 'ascii');
  h.write(`${Math.floor(mtime / 1000).toString(8).padStart(11, '0')}\0`, 136, 12, 'ascii');
  h.write('        ', 148, 8, 'ascii');
  h.write('0', 156, 1, 'ascii');
  h.write('ustar\0', 257, 6, 'ascii');
  h.write('00', 263, 2, 'ascii');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'ascii');
  return h;
}

/** Packs files into an uncompressed ustar archive (`tar -xf` opens it). */
export function packTar(files: readonly { readonly name: string; readonly bytes: Uint8Array }[], mtime = 0): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const f of files) {
    parts.push(tarHeader(f.name, f.bytes.length, mtime), f.bytes);
    const pad = (BLOCK - (f.bytes.length % BLOCK)) % BLOCK;
    if (pad) parts.push(new Uint8Array(pad));
  }
  parts.push(new Uint8Array(BLOCK * 2));
  return Buffer.concat(parts);
}

/** Reads a ustar archive (regular files only); throws 'validation_failed' when it is not one. */
export function unpackTar(archive: Uint8Array): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  const buf = Buffer.from(archive.buffer, archive.byteOffset, archive.byteLength);
  let offset = 0;
  while (offset + BLOCK <= buf.length) {
    const header = buf.subarray(offset, offset + BLOCK);
    if (header.every((b) => b === 0)) break;
    const name = header.subarray(0, 100).toString('utf8').replace(/\0.*$/s, '');
    const size = parseInt(header.subarray(124, 136).toString('ascii').replace(/\0.*$/s, '').trim() || '0', 8);
    const stored = parseInt(header.subarray(148, 156).toString('ascii').replace(/\0.*$/s, '').trim(), 8);
    let sum = 0;
    for (let i = 0; i < BLOCK; i += 1) sum += i >= 148 && i < 156 ? 32 : header[i]!;
    if (!Number.isFinite(size) || stored !== sum) throw new SafeguardError('validation_failed', 'not a tar archive (bad header checksum)');
    const type = header.subarray(156, 157).toString('ascii');
    offset += BLOCK;
    if (offset + size > buf.length) throw new SafeguardError('validation_failed', `tar archive is truncated inside ${name}`);
    if (type === '0' || type === '\0' || type === '') files.set(name.replace(/^\.\//, ''), buf.subarray(offset, offset + size));
    offset += size + ((BLOCK - (size % BLOCK)) % BLOCK);
  }
  return files;
}

/** A BundleReader over in-memory files (a tar archive, or tests). */
export function memoryReader(files: ReadonlyMap<string, Uint8Array>): BundleReader {
  return {
    list: () => Promise.resolve([...files.keys()]),
    open: (name) => {
      const bytes = files.get(name);
      if (!bytes) return null;
      return [bytes];
    },
  };
}
