/**
 * Parsing of hash-bank files (strings in, records out; no I/O). Formats, per INTEROP.md §2.6–2.7:
 *
 * | format       | shape                                                                           |
 * |--------------|---------------------------------------------------------------------------------|
 * | `hex`        | one hash per line (PDQ by default; 32 hex = MD5)                                |
 * | `csv`        | `hash,label,source`, header optional; `label` may hold several space-separated labels |
 * | `local_file` | pytx local_file: `<signal_type> <hash>` or a bare hash per line                  |
 * | `pytx_csv`   | `threatexchange dataset -P --csv`: `signal_type,signal_str,collab,category,tags` |
 * | `te_simple`  | HMA 1.0 / pytx "simple" `.te` CSV: ids, indicator, `added_on`, space-separated labels |
 * | `pdq_hasher` | the reference PDQ photo hasher's output: `pdqhex,quality,path`                   |
 * | `hma_json`   | HMA 2.x JSON: `/c/bank/<name>/signal` bodies or `/c/bank/<name>/content/<id>` items; one object, an array, or JSON lines |
 * | `ncmec_xml`  | NCMEC hash-sharing v2 `entries` responses, with `deletedImage`/`deletedVideo` tombstones |
 *
 * Contract: `parseBankFile` either returns every record of the file or throws one
 * `BankImportError` listing the malformed lines (up to 20, each with its 1-based line number) —
 * never a partial result, so "a failed import changes nothing" holds by construction. Records of
 * signal types Safeguard does not match on (PhotoDNA, SHA-1, URLs, text…) are skipped and counted,
 * not treated as errors: real exports mix types.
 */
import { SafeguardError } from '@safeguard/core';
import { isSignalTypeName, SIGNAL_TYPES, type SignalTypeName } from '../signal/signal-types.js';
import { OPINION_CATEGORIES, type AddRecord, type ImportRecord, type OpinionCategory, type Provenance } from './types.js';
import { childElements, childText, parseXml, XmlSyntaxError, type XmlElement } from './xml.js';

export const BANK_FILE_FORMATS = ['hex', 'csv', 'local_file', 'pytx_csv', 'te_simple', 'pdq_hasher', 'hma_json', 'ncmec_xml'] as const;
export type BankFileFormat = (typeof BANK_FILE_FORMATS)[number];

export interface BankFileIssue {
  readonly line: number;
  readonly message: string;
}

/** A malformed bank file: `line` is the first bad line; `details.issues` lists up to 20. */
export class BankImportError extends SafeguardError {
  readonly line: number;
  readonly issues: readonly BankFileIssue[];

  constructor(format: BankFileFormat | 'unknown', issues: readonly BankFileIssue[], fileName?: string) {
    const first = issues[0] ?? { line: 0, message: 'empty issue list' };
    const where = fileName ? `${fileName}:${first.line}` : `line ${first.line}`;
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? 's' : ''})` : '';
    super('validation_failed', `${where}: ${first.message}${more}`, { format, issues, file: fileName ?? null });
    this.name = 'BankImportError';
    this.line = first.line;
    this.issues = issues;
  }
}

export interface ParseBankFileOptions {
  /** Default `auto` (see `detectBankFileFormat`). */
  readonly format?: BankFileFormat | 'auto';
  /** Signal type of bare 64-hex hashes (`pdq` by default; `sha256` for SHA-256 lists). */
  readonly signalType?: SignalTypeName;
  /** Provenance `source` when the file does not name one (default: the format name). */
  readonly source?: string;
  /** Shown in error messages and kept in provenance. */
  readonly fileName?: string;
}

export interface ParsedBankFile {
  readonly format: BankFileFormat;
  readonly records: readonly ImportRecord[];
  /** Records of signal types Safeguard does not match on, by type (e.g. `{ photodna: 3 }`). */
  readonly skipped: Readonly<Record<string, number>>;
}

/** Signal types that appear in pytx/HMA/NCMEC exports but are not matched here (skipped, counted). */
const KNOWN_UNSUPPORTED = new Set([
  'photodna', 'pdna', 'sha1', 'vpdq', 'pdq_ocr', 'text_tlsh', 'raw_text', 'trend_query', 'url', 'url_md5', 'clip', 'tmk_pdqf',
  'netclean', 'videntifier', 'ssvh_pdna', 'ssvh_safer_hash', 'hash_pdq_ocr', 'hash_text_tlsh', 'text_string', 'uri',
  'hash_tmk', 'hash_sha1', 'hash_photodna',
]);

const TE_TYPES: Record<string, SignalTypeName> = {
  hash_pdq: 'pdq',
  hash_md5: 'md5',
  hash_video_md5: 'video_md5',
  hash_video_sha256: 'video_sha256',
  hash_sha256: 'sha256',
};

/** Provenance fields a parser may know (undefined = not stated in the file). */
type ProvenanceExtra = { -readonly [K in keyof Provenance]?: Provenance[K] | undefined };

const MAX_ISSUES = 20;
const TE_DATE_RE = /^(\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:?\d{2})?|mine)$/;
const IMAGE_PATH_RE = /\.(jpe?g|png|gif|webp|tiff?|bmp|heic|avif)$/i;

/** Splits one CSV line (RFC 4180 quoting; quoted fields may not span lines). */
export function splitCsvLine(line: string): string[] | string {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let value = '';
      i += 1;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) return 'unterminated quoted field';
        value += line.slice(i, q);
        if (line[q + 1] === '"') {
          value += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      fields.push(value);
      if (i === line.length) return fields;
      if (line[i] !== ',') return 'unexpected text after a quoted field';
      i += 1;
    } else {
      const c = line.indexOf(',', i);
      if (c < 0) {
        fields.push(line.slice(i));
        return fields;
      }
      fields.push(line.slice(i, c));
      i = c + 1;
    }
  }
}

const lines = (text: string): string[] => text.replace(/^\uFEFF/, '').split(/\r?\n/);

/** Guesses the format from the content (and the file name for `.te` files). */
export function detectBankFileFormat(text: string, fileName?: string): BankFileFormat {
  const body = text.replace(/^\uFEFF/, '').trimStart();
  if (body.startsWith('<')) return 'ncmec_xml';
  if (body.startsWith('{') || body.startsWith('[')) return 'hma_json';
  if (fileName && /\.te$/i.test(fileName)) return 'te_simple';
  const sample = lines(body)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .slice(0, 5);
  const first = sample[0] ?? '';
  if (/^signal_type\s*,\s*signal_str/i.test(first)) return 'pytx_csv';
  if (/^hash\s*,/i.test(first)) return 'csv';
  if (first.includes(',')) {
    const fields = splitCsvLine(first);
    if (Array.isArray(fields)) {
      if (fields.length >= 4 && fields.some((f, k) => k >= 2 && TE_DATE_RE.test(f.trim()))) return 'te_simple';
      if (fields.length === 3 && /^\d{1,3}$/.test(fields[1]?.trim() ?? '') && IMAGE_PATH_RE.test(fields[2]?.trim() ?? '')) return 'pdq_hasher';
    }
    return 'csv';
  }
  if (/^\S+\s+\S+$/.test(first)) return 'local_file';
  return 'hex';
}

class IssueList {
  readonly issues: BankFileIssue[] = [];
  add(line: number, message: string): void {
    if (this.issues.length < MAX_ISSUES) this.issues.push({ line, message });
  }
  get full(): boolean {
    return this.issues.length >= MAX_ISSUES;
  }
}

interface Context {
  readonly options: ParseBankFileOptions;
  readonly format: BankFileFormat;
  readonly issues: IssueList;
  readonly records: ImportRecord[];
  readonly skipped: Record<string, number>;
}

function skip(ctx: Context, type: string): void {
  ctx.skipped[type] = (ctx.skipped[type] ?? 0) + 1;
}

function provenance(ctx: Context, line: number, extra: ProvenanceExtra = {}): Provenance {
  const p: Record<string, unknown> = { source: ctx.options.source ?? ctx.format, line };
  if (ctx.options.fileName !== undefined) p.file = ctx.options.fileName;
  for (const [k, v] of Object.entries(extra)) if (v !== undefined && v !== '') p[k] = v;
  return p as unknown as Provenance;
}

/** Resolves the signal type of a bare hash: by length, or the file's declared type. */
function bareHashType(ctx: Context, hash: string): SignalTypeName | undefined {
  const declared = ctx.options.signalType;
  if (declared) return declared;
  if (hash.length === 32) return 'md5';
  if (hash.length === 64) return 'pdq';
  return undefined;
}

/** Validates and adds one hash record; returns false (and records an issue) when malformed. */
function addHash(
  ctx: Context,
  line: number,
  signalType: SignalTypeName | undefined,
  rawHash: string,
  labels: readonly string[],
  extra: ProvenanceExtra = {},
  quality?: number,
): void {
  const trimmed = rawHash.trim();
  const type = signalType ?? bareHashType(ctx, trimmed);
  if (!type) {
    ctx.issues.add(line, `not a hash: ${JSON.stringify(trimmed.slice(0, 80))} (expected 64 hex characters for PDQ or 32 for MD5)`);
    return;
  }
  const hash = SIGNAL_TYPES[type].normalize(trimmed);
  if (hash === undefined) {
    ctx.issues.add(line, `not a valid ${type} hash: ${JSON.stringify(trimmed.slice(0, 80))}`);
    return;
  }
  const record: AddRecord = {
    op: 'add',
    signalType: type,
    hash,
    labels: [...new Set(labels.map((l) => l.trim()).filter((l) => l !== ''))],
    provenance: provenance(ctx, line, extra),
    ...(quality === undefined ? {} : { quality }),
  };
  ctx.records.push(record);
}

/** Maps a type name from any source (pytx, HMA, TE, NCMEC) to ours; `null` = known but unsupported. */
function resolveType(raw: string): SignalTypeName | null | undefined {
  const name = raw.trim().toLowerCase();
  if (isSignalTypeName(name)) return name;
  const te = TE_TYPES[name];
  if (te) return te;
  if (name === 'photo_md5') return 'md5';
  if (KNOWN_UNSUPPORTED.has(name)) return null;
  return undefined;
}

function parseLineFormat(ctx: Context, text: string): void {
  const all = lines(text);
  let headerSeen = false;
  for (let i = 0; i < all.length && !ctx.issues.full; i += 1) {
    const lineNo = i + 1;
    const line = (all[i] ?? '').trim();
    if (line === '' || line.startsWith('#')) continue;
    switch (ctx.format) {
      case 'hex': {
        if (/\s|,/.test(line)) {
          ctx.issues.add(lineNo, `expected one hash per line, got ${JSON.stringify(line.slice(0, 80))}`);
          break;
        }
        addHash(ctx, lineNo, undefined, line, []);
        break;
      }
      case 'local_file': {
        const parts = line.split(/\s+/);
        if (parts.length === 1) {
          addHash(ctx, lineNo, undefined, parts[0] ?? '', []);
        } else if (parts.length === 2) {
          const type = resolveType(parts[0] ?? '');
          if (type === null) skip(ctx, (parts[0] ?? '').toLowerCase());
          else if (type === undefined) ctx.issues.add(lineNo, `unknown signal type ${JSON.stringify(parts[0])}`);
          else addHash(ctx, lineNo, type, parts[1] ?? '', []);
        } else {
          ctx.issues.add(lineNo, 'expected "<signal_type> <hash>" or a bare hash');
        }
        break;
      }
      case 'csv':
      case 'pytx_csv':
      case 'te_simple':
      case 'pdq_hasher': {
        const fields = splitCsvLine(line);
        if (typeof fields === 'string') {
          ctx.issues.add(lineNo, fields);
          break;
        }
        if (!headerSeen) {
          headerSeen = true;
          const head = fields.map((f) => f.trim().toLowerCase());
          if (ctx.format === 'csv' && head[0] === 'hash') continue;
          if (ctx.format === 'pytx_csv' && head[0] === 'signal_type') continue;
          if (ctx.format === 'pdq_hasher' && head[0] === 'hash') continue;
        }
        parseCsvRow(ctx, lineNo, fields);
        break;
      }
      default:
        throw new Error(`not a line format: ${ctx.format}`);
    }
  }
}

function parseCsvRow(ctx: Context, lineNo: number, fields: string[]): void {
  const f = (k: number): string => (fields[k] ?? '').trim();
  switch (ctx.format) {
    case 'csv': {
      if (fields.length > 3) {
        ctx.issues.add(lineNo, `expected "hash,label,source" (3 fields), got ${fields.length}`);
        return;
      }
      addHash(ctx, lineNo, undefined, f(0), f(1).split(/\s+/), f(2) === '' ? {} : { source: f(2) });
      return;
    }
    case 'pdq_hasher': {
      if (fields.length < 2) {
        ctx.issues.add(lineNo, 'expected "pdqhex,quality,path"');
        return;
      }
      const quality = Number(f(1));
      if (!/^\d{1,3}$/.test(f(1)) || quality > 100) {
        ctx.issues.add(lineNo, `quality must be an integer 0..100, got ${JSON.stringify(f(1))}`);
        return;
      }
      addHash(ctx, lineNo, 'pdq', f(0), [], f(2) === '' ? {} : { externalId: f(2) }, quality);
      return;
    }
    case 'pytx_csv': {
      if (fields.length < 2 || fields.length > 5) {
        ctx.issues.add(lineNo, 'expected "signal_type,signal_str,collab,category,tags"');
        return;
      }
      const type = resolveType(f(0));
      if (type === null) return skip(ctx, f(0).toLowerCase());
      if (type === undefined) return ctx.issues.add(lineNo, `unknown signal type ${JSON.stringify(f(0))}`);
      const category = f(3).toUpperCase();
      if (category !== '' && !(OPINION_CATEGORIES as readonly string[]).includes(category)) {
        return ctx.issues.add(lineNo, `unknown category ${JSON.stringify(f(3))} (expected ${OPINION_CATEGORIES.join(', ')})`);
      }
      const extra: ProvenanceExtra = { ...(f(2) ? { source: f(2) } : {}), ...(category ? { category: category as OpinionCategory } : {}) };
      addHash(ctx, lineNo, type, f(1), f(4).split(/\s+/), extra);
      return;
    }
    case 'te_simple': {
      // HMA 1.0 sample rows: indicator, descriptor_id, added_on, labels; pytx CLI rows:
      // indicator_id, indicator, first_descriptor_id, added_on, labels. Find the fields by shape.
      if (fields.length < 4 || fields.length > 5) {
        ctx.issues.add(lineNo, `expected 4 or 5 fields (ids, indicator, added_on, labels), got ${fields.length}`);
        return;
      }
      const dateIdx = fields.findIndex((x, k) => k >= 2 && TE_DATE_RE.test(x.trim()));
      if (dateIdx < 0) return ctx.issues.add(lineNo, 'no added_on timestamp (like 2020-07-31T18:47:52+0000) in the row');
      const candidates = fields.slice(0, dateIdx).map((x) => x.trim());
      const indicator = candidates.find((x) => !/^\d+$/.test(x)) ?? candidates[0] ?? '';
      const ids = candidates.filter((x) => x !== indicator);
      const labels = f(dateIdx + 1).split(/\s+/);
      const fileType = /simple\.([^.]+)\.te$/i.exec(ctx.options.fileName ?? '')?.[1];
      let type: SignalTypeName | null | undefined = fileType ? resolveType(fileType) : ctx.options.signalType;
      if (type === null) return skip(ctx, (fileType ?? '').toLowerCase());
      if (fileType && type === undefined) return ctx.issues.add(lineNo, `unknown indicator type ${JSON.stringify(fileType)} in the file name`);
      if (type === 'md5' && labels.includes('media_type_video')) type = 'video_md5';
      addHash(ctx, lineNo, type ?? undefined, indicator, labels, { externalId: ids[0], addedOn: f(dateIdx) });
      return;
    }
    default:
      throw new Error(`not a CSV format: ${ctx.format}`);
  }
}

/** Line (1-based) of a character offset, for JSON syntax errors. */
const lineAt = (text: string, offset: number): number => text.slice(0, offset).split('\n').length;

/**
 * Offset of the first JSON syntax error in `text` (V8's JSON.parse messages do not carry a
 * position on every Node version). A minimal recursive-descent scanner; called only on failure.
 */
function jsonErrorOffset(text: string): number {
  let i = 0;
  const ws = (): void => {
    while (i < text.length && ' \t\r\n'.includes(text[i] ?? '')) i += 1;
  };
  class At extends Error {
    constructor(readonly offset: number) {
      super('JSON syntax error');
    }
  }
  const fail = (): never => {
    throw new At(i);
  };
  const str = (): void => {
    i += 1;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    if (i >= text.length) fail();
    i += 1;
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      i += 1;
      ws();
      if (text[i] === close) {
        i += 1;
        return;
      }
      for (;;) {
        if (c === '{') {
          ws();
          if (text[i] !== '"') fail();
          str();
          ws();
          if (text[i] !== ':') fail();
          i += 1;
        }
        value();
        ws();
        if (text[i] === ',') i += 1;
        else if (text[i] === close) {
          i += 1;
          return;
        } else fail();
      }
    }
    if (c === '"') return str();
    const m = /^(-?\d+(\.\d+)?([eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i, i + 64));
    if (!m) fail();
    i += m?.[0].length ?? 0;
  };
  try {
    value();
    ws();
    return i;
  } catch (err) {
    return err instanceof At ? err.offset : 0;
  }
}

function parseHmaJson(ctx: Context, text: string): void {
  const trimmed = text.replace(/^\uFEFF/, '');
  const items: { value: unknown; line: number }[] = [];
  const body = trimmed.trimStart();
  const isJsonLines = body.startsWith('{') && /}\s*\r?\n\s*{/.test(body);
  if (isJsonLines) {
    lines(trimmed).forEach((l, i) => {
      if (l.trim() === '') return;
      try {
        items.push({ value: JSON.parse(l) as unknown, line: i + 1 });
      } catch (err) {
        ctx.issues.add(i + 1, `invalid JSON: ${(err as Error).message}`);
      }
    });
  } else {
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch (err) {
      ctx.issues.add(lineAt(trimmed, jsonErrorOffset(trimmed)), `invalid JSON: ${(err as Error).message}`);
      return;
    }
    // Elements of an array have no line of their own in JSON.parse: find each element's opening
    // brace so errors still point into the file.
    const starts: number[] = [];
    if (Array.isArray(value)) {
      let depth = 0;
      let inString = false;
      for (let i = 0; i < trimmed.length; i += 1) {
        const c = trimmed[i];
        if (inString) {
          if (c === '\\') i += 1;
          else if (c === '"') inString = false;
        } else if (c === '"') inString = true;
        else if (c === '{' || c === '[') {
          if (depth === 1) starts.push(lineAt(trimmed, i));
          depth += 1;
        } else if (c === '}' || c === ']') depth -= 1;
      }
      value.forEach((v, k) => items.push({ value: v, line: starts[k] ?? 1 }));
    } else {
      items.push({ value, line: 1 });
    }
  }
  for (const { value, line } of items) {
    if (ctx.issues.full) break;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      ctx.issues.add(line, 'expected a JSON object of signals ({"pdq": "<hex>"}) or an HMA content item');
      continue;
    }
    const obj = value as Record<string, unknown>;
    const isContent = typeof obj.signals === 'object' && obj.signals !== null;
    const signals = (isContent ? obj.signals : obj) as Record<string, unknown>;
    const extra: ProvenanceExtra = {};
    const labels: string[] = [];
    if (isContent) {
      if (typeof obj.id === 'string' || typeof obj.id === 'number') extra.externalId = String(obj.id);
      const bank = obj.bank as { name?: unknown } | undefined;
      if (typeof bank?.name === 'string') extra.source = `hma:${bank.name}`;
      if (typeof obj.disable_until_ts === 'number' && obj.disable_until_ts !== 1) {
        skip(ctx, 'disabled');
        continue;
      }
      const meta = obj.metadata as { json?: { labels?: unknown } } | undefined;
      if (Array.isArray(meta?.json?.labels)) labels.push(...meta.json.labels.filter((l): l is string => typeof l === 'string'));
    }
    let any = false;
    for (const [key, hash] of Object.entries(signals)) {
      if (key === 'note' || (isContent && key === 'id')) continue;
      const type = resolveType(key);
      if (type === null) {
        skip(ctx, key.toLowerCase());
        any = true;
        continue;
      }
      if (type === undefined) {
        ctx.issues.add(line, `unknown signal type ${JSON.stringify(key)}`);
        any = true;
        continue;
      }
      if (typeof hash !== 'string') {
        ctx.issues.add(line, `${key}: hash must be a string`);
        any = true;
        continue;
      }
      addHash(ctx, line, type, hash, labels, extra);
      any = true;
    }
    if (!any) ctx.issues.add(line, 'object has no signals');
  }
}

function parseNcmecXml(ctx: Context, text: string): void {
  let root: XmlElement;
  try {
    root = parseXml(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    if (err instanceof XmlSyntaxError) {
      ctx.issues.add(err.line, `malformed XML: ${err.message}`);
      return;
    }
    throw err;
  }
  // Accept the full response (<queryResult><images>…</images><videos>…</videos></queryResult>),
  // a bare <images>/<videos> container, or a single entry.
  const containers = root.name === 'images' || root.name === 'videos' ? [root] : root.children.filter((c) => c.name === 'images' || c.name === 'videos');
  const entries = containers.length > 0 ? containers.flatMap((c) => c.children) : [root];
  for (const entry of entries) {
    if (ctx.issues.full) break;
    const kind = entry.name;
    if (!['image', 'video', 'deletedImage', 'deletedVideo'].includes(kind)) {
      ctx.issues.add(entry.line, `unexpected <${kind}> (expected image, video, deletedImage or deletedVideo)`);
      continue;
    }
    const id = childText(entry, 'id');
    const memberEl = childElements(entry, 'member')[0];
    const member = memberEl?.attributes.id ?? memberEl?.text;
    if (!id) {
      ctx.issues.add(entry.line, `<${kind}> has no <id>`);
      continue;
    }
    const extra: ProvenanceExtra = { source: ctx.options.source ?? 'ncmec', externalId: id, member, addedOn: childText(entry, 'timestamp') };
    if (kind === 'deletedImage' || kind === 'deletedVideo') {
      ctx.records.push({
        op: 'tombstone',
        externalId: id,
        ...(member === undefined ? {} : { member }),
        provenance: provenance(ctx, entry.line, extra),
      });
      continue;
    }
    const classification = childText(entry, 'classification');
    const labels = classification ? [classification] : [];
    const fingerprints = childElements(entry, 'fingerprints')[0];
    if (!fingerprints || fingerprints.children.length === 0) {
      ctx.issues.add(entry.line, `<${kind}> ${id} has no fingerprints`);
      continue;
    }
    for (const fp of fingerprints.children) {
      const name = fp.name.toLowerCase();
      const type: SignalTypeName | undefined =
        name === 'pdq' && kind === 'image' ? 'pdq' : name === 'md5' ? (kind === 'image' ? 'md5' : 'video_md5') : undefined;
      if (!type) {
        skip(ctx, name);
        continue;
      }
      addHash(ctx, fp.line, type, fp.text, labels, extra);
    }
  }
}

/** Parses a whole bank file; throws `BankImportError` (nothing returned) if any line is malformed. */
export function parseBankFile(text: string, options: ParseBankFileOptions = {}): ParsedBankFile {
  const requested = options.format ?? 'auto';
  if (requested !== 'auto' && !(BANK_FILE_FORMATS as readonly string[]).includes(requested)) {
    throw new SafeguardError('validation_failed', `unknown bank file format "${String(requested)}" (expected ${BANK_FILE_FORMATS.join(', ')})`);
  }
  const format = requested === 'auto' ? detectBankFileFormat(text, options.fileName) : requested;
  const ctx: Context = { options, format, issues: new IssueList(), records: [], skipped: {} };
  if (format === 'hma_json') parseHmaJson(ctx, text);
  else if (format === 'ncmec_xml') parseNcmecXml(ctx, text);
  else parseLineFormat(ctx, text);
  if (ctx.issues.issues.length > 0) throw new BankImportError(format, ctx.issues.issues, options.fileName);
  return { format, records: ctx.records, skipped: ctx.skipped };
}
