/**
 * Tamper-evident hash chains (the audit log, and later disclosure bundles).
 *
 * Each entry's hash covers its sequence number, the previous entry's hash and a canonical JSON
 * encoding of its content, so editing, deleting or reordering any entry breaks the chain at a
 * point that `verifyHashChain` can name.
 */
import { createHash } from 'node:crypto';

/** The hash that the first entry of every chain points back to. */
export const GENESIS_HASH = '0'.repeat(64);

/** JSON with object keys sorted at every depth, so the same value always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    return JSON.stringify(value) ?? 'null';
  }
  if (Array.isArray(value)) {
    return `[${value.map((v) => canonicalJson(v)).join(',')}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export interface ChainedEntry {
  readonly seq: number;
  readonly prevHash: string;
  readonly hash: string;
  /** Everything else the hash covers (time, actor, action, target, details). */
  readonly content: unknown;
}

export function hashChainEntry(seq: number, prevHash: string, content: unknown): string {
  return createHash('sha256')
    .update(`${seq}\n${prevHash}\n${canonicalJson(content)}`)
    .digest('hex');
}

export type ChainProblemKind = 'edited' | 'deleted' | 'reordered' | 'inserted';

export interface ChainProblem {
  readonly kind: ChainProblemKind;
  /** Sequence number of the entry where the problem shows. */
  readonly seq: number;
  readonly message: string;
}

export interface ChainVerification {
  readonly ok: boolean;
  readonly entries: number;
  readonly headHash: string;
  readonly problems: readonly ChainProblem[];
}

/**
 * Checks a chain read in sequence order and names what is wrong, rather than just failing:
 * - deleted: a sequence number is missing, or the chain ends before the expected head;
 * - reordered: an entry points back at an entry other than its predecessor (rows swapped);
 * - edited: an entry's content no longer matches its hash, or an entry was rewritten with a fresh
 *   hash so that its successor no longer links to it;
 * - inserted: an entry claims a sequence number that is already used.
 * `expectedHead`, when given, is the head recorded apart from the entries (truncation check).
 */
export function verifyHashChain(
  entries: readonly ChainedEntry[],
  expectedHead?: { readonly seq: number; readonly hash: string },
): ChainVerification {
  const problems: ChainProblem[] = [];
  const seqByHash = new Map<string, number>();
  for (const entry of entries) seqByHash.set(entry.hash, entry.seq);
  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;
  const seenSeqs = new Set<number>();
  for (const entry of entries) {
    const contentIntact = hashChainEntry(entry.seq, entry.prevHash, entry.content) === entry.hash;
    if (seenSeqs.has(entry.seq)) {
      problems.push({ kind: 'inserted', seq: entry.seq, message: `entry ${entry.seq} appears more than once` });
    } else if (entry.seq > expectedSeq) {
      const missing =
        entry.seq - expectedSeq === 1 ? `entry ${expectedSeq}` : `entries ${expectedSeq}..${entry.seq - 1}`;
      problems.push({ kind: 'deleted', seq: expectedSeq, message: `${missing} missing before entry ${entry.seq}` });
    } else if (entry.prevHash !== prevHash) {
      const pointsAt = seqByHash.get(entry.prevHash);
      if (pointsAt !== undefined) {
        problems.push({
          kind: 'reordered',
          seq: entry.seq,
          message: `entry ${entry.seq} was written after entry ${pointsAt}, not after entry ${entry.seq - 1}`,
        });
      } else {
        problems.push({ kind: 'edited', seq: entry.seq, message: `entry ${entry.seq} does not link to entry ${entry.seq - 1}: one of them was rewritten` });
      }
    } else if (!contentIntact) {
      problems.push({ kind: 'edited', seq: entry.seq, message: `entry ${entry.seq} content does not match its hash` });
    }
    seenSeqs.add(entry.seq);
    expectedSeq = Math.max(expectedSeq, entry.seq + 1);
    prevHash = entry.hash;
  }
  if (expectedHead && expectedHead.seq >= expectedSeq) {
    problems.push({
      kind: 'deleted',
      seq: expectedSeq,
      message: `chain ends at entry ${expectedSeq - 1} but the recorded head is entry ${expectedHead.seq}`,
    });
  } else if (expectedHead && expectedHead.seq === expectedSeq - 1 && expectedHead.hash !== prevHash) {
    problems.push({ kind: 'edited', seq: expectedHead.seq, message: `last entry does not match the recorded head` });
  }
  return { ok: problems.length === 0, entries: entries.length, headHash: prevHash, problems };
}
