/**
 * The grouped train/held-out split of the grooming data set (shared/data/grooming/README.md).
 *
 * Contract: pure functions over records already read. Records that share text never straddle the
 * split: both sides of a Perverted-Justice conversation form one group, and a VTPAN segment joins
 * any PJ conversation or other segment it shares at least 3 sampled word 6-grams with (6-grams in
 * more than 5 groups are common phrases and do not link). About 25% of groups are held out, chosen
 * by a hash of the group id, so the split is the same on every machine and every run.
 */

export interface SplitRecord {
  readonly id: string;
  readonly source: string;
  readonly messages: readonly { readonly text: string }[];
}

/** Perverted-Justice conversation name of a pj-p-/pj-d- record (decoy files may end in _1.._6). */
export function pjConversation(id: string): string {
  const name = id.replace(/^pj-[pd]-/, '');
  return id.startsWith('pj-d-') ? name.replace(/_[1-9]$/, '') : name;
}

function fnv(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Sampled word 6-gram hashes (1 in 4 kept by hash, so samples align across records). */
function shingles(tokens: readonly string[]): Set<number> {
  const out = new Set<number>();
  for (let i = 0; i + 6 <= tokens.length; i += 1) {
    const h = fnv(tokens.slice(i, i + 6).join(' '));
    if ((h & 3) === 0) out.add(h);
  }
  return out;
}

/** Group id of each record (same order). */
export function groupRecords(records: readonly SplitRecord[]): string[] {
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let cur = x;
    for (;;) {
      const p = parent.get(cur) ?? cur;
      if (p === cur) return cur;
      const gp = parent.get(p) ?? p;
      parent.set(cur, gp);
      cur = gp;
    }
  };
  const union = (a: string, b: string): void => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) {
      if (ra < rb) parent.set(rb, ra);
      else parent.set(ra, rb);
    }
  };
  const base = records.map((r) => (r.source === 'pj' ? `pj:${pjConversation(r.id)}` : `vt:${r.id}`));
  for (const g of base) parent.set(g, g);
  const owners = new Map<number, Set<string>>();
  records.forEach((r, i) => {
    const tokens: string[] = [];
    for (const m of r.messages) for (const w of m.text.toLowerCase().match(/[a-z0-9]+/g) ?? []) tokens.push(w);
    const g = base[i] ?? '';
    for (const h of shingles(tokens)) {
      let set = owners.get(h);
      if (set === undefined) {
        set = new Set();
        owners.set(h, set);
      }
      set.add(g);
    }
  });
  const pairCounts = new Map<string, number>();
  for (const set of owners.values()) {
    if (set.size < 2 || set.size > 5) continue;
    const list = [...set].sort();
    for (let a = 0; a < list.length; a += 1) {
      for (let b = a + 1; b < list.length; b += 1) {
        const x = list[a] ?? '';
        const y = list[b] ?? '';
        if (x.startsWith('pj:') && y.startsWith('pj:')) continue;
        const k = `${x}\u0000${y}`;
        pairCounts.set(k, (pairCounts.get(k) ?? 0) + 1);
      }
    }
  }
  for (const [k, n] of pairCounts) {
    if (n < 3) continue;
    const [a, b] = k.split('\u0000');
    if (a !== undefined && b !== undefined) union(a, b);
  }
  return base.map((g) => find(g));
}

/** Whether a group is held out (about 25% of groups). Never train or tune on held-out groups. */
export function isHeldOut(group: string): boolean {
  return fnv(`holdout:${group}`) % 100 < 25;
}

/** Deterministic fold (0..k-1) of a training group for cross-validation. */
export function foldOf(group: string, k: number): number {
  return fnv(`fold:${group}`) % k;
}
