/**
 * Persisted PDQ index files: a built `MultiIndexPdqIndex` written as raw typed-array sections, so
 * a 10M-hash bank (930 MB) loads in a few seconds (read + checksum) instead of being rebuilt.
 *
 * Layout (all integers little-endian):
 *   0   8 bytes  magic "SGPDQIX1"
 *   8   u32      header length H
 *   12  H bytes  JSON header: { version, endianness, count, chunks: [{start, bits}], sections:
 *                [{name, offset, bytes, crc32}], createdAt, meta }
 *   …            sections, each 64-byte aligned: words (count × 8 u32), ids (count u32), then per
 *                chunk its offsets (2^bits + 1 u32) and postings (count u32)
 * Each section carries a CRC-32 that loading verifies (unless told not to), so a truncated or
 * corrupted file can never silently miss matches. (CRC-32 guards against corruption, not
 * against someone who can write the file: protect index files like the bank itself.) Files are written to a temporary
 * name and renamed, so readers never see half a file.
 */
import { crc32 } from 'node:zlib';
import { closeSync, fstatSync, openSync, readSync, renameSync, writeSync, unlinkSync } from 'node:fs';
import { MultiIndexPdqIndex, type MihChunk, type MultiIndexOptions, type PdqIndexSnapshot } from '@safeguard/media';
import { IndexFileError } from './errors.js';

const MAGIC = 'SGPDQIX1';
const VERSION = 1;
const ALIGN = 64;
/** fs.read/write move at most ~2 GiB per call. */
const IO_CHUNK = 1 << 30;

interface SectionInfo {
  readonly name: string;
  readonly offset: number;
  readonly bytes: number;
  readonly crc32: number;
}

interface IndexFileHeader {
  readonly version: number;
  readonly endianness: 'le';
  readonly count: number;
  readonly chunks: readonly { readonly start: number; readonly bits: number }[];
  readonly sections: readonly SectionInfo[];
  readonly createdAt: string;
  readonly meta: Record<string, unknown>;
}

const align = (n: number): number => Math.ceil(n / ALIGN) * ALIGN;
const bytesOf = (a: Uint32Array): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

function sectionsOf(snapshot: PdqIndexSnapshot): { name: string; data: Uint32Array }[] {
  const out = [
    { name: 'words', data: snapshot.words.subarray(0, snapshot.count * 8) },
    { name: 'ids', data: snapshot.ids.subarray(0, snapshot.count) },
  ];
  snapshot.chunks.forEach((c, k) => {
    out.push({ name: `offsets.${k}`, data: c.offsets }, { name: `postings.${k}`, data: c.postings });
  });
  return out;
}

function writeAll(fd: number, bytes: Uint8Array, position: number): void {
  for (let done = 0; done < bytes.byteLength; ) {
    const n = writeSync(fd, bytes, done, Math.min(IO_CHUNK, bytes.byteLength - done), position + done);
    done += n;
  }
}

function readAll(fd: number, into: Uint8Array, position: number, path: string): void {
  for (let done = 0; done < into.byteLength; ) {
    const n = readSync(fd, into, done, Math.min(IO_CHUNK, into.byteLength - done), position + done);
    if (n === 0) throw new IndexFileError(path, 'file is truncated');
    done += n;
  }
}

function encodeHeader(header: IndexFileHeader): Buffer {
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const out = Buffer.alloc(12 + json.length);
  out.write(MAGIC, 0, 'latin1');
  out.writeUInt32LE(json.length, 8);
  json.copy(out, 12);
  return out;
}

/** Writes `index` (built first if needed) to `path`; returns the file size in bytes. */
export function savePdqIndex(index: MultiIndexPdqIndex, path: string, meta: Record<string, unknown> = {}): number {
  if (new Uint8Array(new Uint32Array([1]).buffer)[0] !== 1) throw new IndexFileError(path, 'index files are little-endian; this host is not');
  const snapshot = index.toSnapshot();
  const sections = sectionsOf(snapshot);
  const draft = (infos: SectionInfo[]): IndexFileHeader => ({
    version: VERSION,
    endianness: 'le',
    count: snapshot.count,
    chunks: snapshot.chunks.map((c) => ({ start: c.start, bits: c.bits })),
    sections: infos,
    createdAt: new Date().toISOString(),
    meta,
  });
  // Section offsets depend on the header length, which depends on the offsets' digits: lay out
  // with generous room for the header, then fix it.
  const placeholder = encodeHeader(draft(sections.map((s) => ({ name: s.name, offset: 1e15, bytes: s.data.byteLength, crc32: 0xffffffff }))));
  let offset = align(placeholder.length + 64);
  const infos = sections.map((s) => {
    const info = { name: s.name, offset, bytes: s.data.byteLength, crc32: crc32(bytesOf(s.data)) };
    offset = align(offset + s.data.byteLength);
    return info;
  });
  const header = encodeHeader(draft(infos));
  if (header.length > (infos[0]?.offset ?? 0)) throw new IndexFileError(path, 'internal error: header does not fit');
  const tmp = `${path}.tmp-${process.pid}-${Date.now()}`;
  const fd = openSync(tmp, 'w');
  try {
    writeAll(fd, header, 0);
    sections.forEach((s, k) => writeAll(fd, bytesOf(s.data), infos[k]!.offset));
    closeSync(fd);
  } catch (err) {
    closeSync(fd);
    unlinkSync(tmp);
    throw err;
  }
  renameSync(tmp, path);
  const last = infos[infos.length - 1];
  return last ? last.offset + last.bytes : header.length;
}

export interface LoadIndexOptions extends MultiIndexOptions {
  /** Verify each section's CRC-32 (default true; ~0.4 s per GB). */
  readonly verify?: boolean;
}

export interface LoadedIndex {
  readonly index: MultiIndexPdqIndex;
  readonly meta: Record<string, unknown>;
  readonly createdAt: string;
  readonly count: number;
}

/** True when the file starts with the index magic (to tell index files from hash lists). */
export function isPdqIndexFile(path: string): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const head = Buffer.alloc(8);
    return readSync(fd, head, 0, 8, 0) === 8 && head.toString('latin1') === MAGIC;
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Loads an index written by `savePdqIndex`; throws `IndexFileError` on any inconsistency. */
export function loadPdqIndex(path: string, options: LoadIndexOptions = {}): LoadedIndex {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    throw new IndexFileError(path, `cannot open: ${(err as Error).message}`);
  }
  try {
    const size = fstatSync(fd).size;
    const prefix = Buffer.alloc(12);
    if (size < 12 || readSync(fd, prefix, 0, 12, 0) !== 12 || prefix.toString('latin1', 0, 8) !== MAGIC) {
      throw new IndexFileError(path, 'not a Safeguard PDQ index file');
    }
    const headerLength = prefix.readUInt32LE(8);
    if (headerLength > 1 << 20 || 12 + headerLength > size) throw new IndexFileError(path, 'header is truncated');
    const raw = Buffer.alloc(headerLength);
    readAll(fd, raw, 12, path);
    let header: IndexFileHeader;
    try {
      header = JSON.parse(raw.toString('utf8')) as IndexFileHeader;
    } catch {
      throw new IndexFileError(path, 'header is not valid JSON');
    }
    if (header.version !== VERSION) throw new IndexFileError(path, `unsupported index file version ${String(header.version)}`);
    if (header.endianness !== 'le') throw new IndexFileError(path, 'unsupported byte order');
    const { count } = header;
    if (!Number.isInteger(count) || count < 0) throw new IndexFileError(path, 'bad hash count');
    const expected: [string, number][] = [
      ['words', count * 8 * 4],
      ['ids', count * 4],
    ];
    header.chunks.forEach((c, k) => expected.push([`offsets.${k}`, (2 ** c.bits + 1) * 4], [`postings.${k}`, count * 4]));
    if (header.sections.length !== expected.length) throw new IndexFileError(path, 'section list does not match the chunk layout');
    const arrays: Uint32Array[] = [];
    header.sections.forEach((s, k) => {
      const [name, bytes] = expected[k]!;
      if (s.name !== name || s.bytes !== bytes || s.offset % 4 !== 0 || s.offset + s.bytes > size) {
        throw new IndexFileError(path, `section ${s.name} is missing, mis-sized or truncated`);
      }
      const array = new Uint32Array(bytes / 4);
      readAll(fd, bytesOf(array), s.offset, path);
      if (options.verify !== false && crc32(bytesOf(array)) !== s.crc32) throw new IndexFileError(path, `checksum mismatch in section ${s.name}: the file is corrupt`);
      arrays.push(array);
    });
    const chunks: MihChunk[] = header.chunks.map((c, k) => ({ start: c.start, bits: c.bits, offsets: arrays[2 + 2 * k]!, postings: arrays[3 + 2 * k]! }));
    let index: MultiIndexPdqIndex;
    try {
      index = MultiIndexPdqIndex.fromSnapshot({ count, words: arrays[0]!, ids: arrays[1]!, chunks }, options);
    } catch (err) {
      throw new IndexFileError(path, (err as Error).message);
    }
    return { index, meta: header.meta, createdAt: header.createdAt, count };
  } finally {
    closeSync(fd);
  }
}
