/**
 * The simulator's population and script are pure functions of their options: the same seed gives
 * the same accounts, families, friendships and messages byte for byte; another seed differs.
 */
import { describe, expect, it } from 'vitest';
import { CAST, TACTIC_STAGES, generatePopulation, generateScript, type TacticStage } from '../src/index.js';
import { messageView } from '../src/app/html.js';

const options = { accounts: 80, seed: 'determinism', asOf: '2026-03-02' };

describe('simulation generator', () => {
  it('is deterministic: same seed, same population and messages', () => {
    const a = generateScript(generatePopulation(options), { days: 4 });
    const b = generateScript(generatePopulation(options), { days: 4 });
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    const other = generateScript(generatePopulation({ ...options, seed: 'another' }), { days: 4 });
    expect(JSON.stringify(other.events)).not.toBe(JSON.stringify(a.events));
  });

  it('builds the population the brief describes', () => {
    const population = generatePopulation(options);
    const kinds = new Map<string, number>();
    for (const a of population.accounts) kinds.set(a.kind, (kinds.get(a.kind) ?? 0) + 1);
    expect(population.accounts).toHaveLength(80);
    for (const kind of ['child', 'teen', 'parent', 'adult', 'groomer', 'spammer']) expect(kinds.get(kind) ?? 0).toBeGreaterThan(0);
    // Ids never reveal who is who.
    expect(new Set(population.accounts.map((a) => a.id)).size).toBe(80);
    expect(population.accounts.every((a) => /^sim-u\d{4}$/.test(a.id))).toBe(true);
    // Parents are linked to children; ages match bands on the as-of date.
    const withGuardian = population.accounts.filter((a) => a.guardians.length > 0);
    expect(withGuardian.length).toBeGreaterThan(0);
    for (const a of withGuardian) expect(population.accounts.find((p) => p.id === a.guardians[0])?.kind).toBe('parent');
    for (const a of population.accounts.filter((x) => x.birthDate)) {
      const age = Math.floor((Date.parse('2026-03-02') - Date.parse(a.birthDate ?? '')) / (365.25 * 86_400_000));
      expect(age).toBe(a.age);
    }
    // Both groomer styles exist, the peer impersonators declaring a teen band without a birth date.
    const groomers = population.accounts.filter((a) => a.kind === 'groomer');
    expect(new Set(groomers.map((g) => g.style))).toEqual(new Set(['peer-impersonation', 'adult-via-parent']));
    for (const g of groomers.filter((x) => x.style === 'peer-impersonation')) expect([g.declaredBand, g.birthDate]).toEqual(['13-15', null]);
  });

  it('scripts groomers through the tactic stages in order, at night more than in the morning', () => {
    const script = generateScript(generatePopulation(options), { days: 7 });
    const groomerIds = new Set(script.population.accounts.filter((a) => a.kind === 'groomer').map((a) => a.id));
    const byConversation = new Map<string, TacticStage[]>();
    for (const e of script.events) {
      if (e.type !== 'message' || !groomerIds.has(e.sender) || e.tactic === null) continue;
      byConversation.set(e.conversationId, [...(byConversation.get(e.conversationId) ?? []), e.tactic]);
    }
    expect(byConversation.size).toBeGreaterThan(0);
    for (const tactics of byConversation.values()) {
      const order = tactics.map((t) => TACTIC_STAGES.indexOf(t));
      expect(order).toEqual([...order].sort((x, y) => x - y));
    }
    const hours = script.events.filter((e) => e.type === 'message' && groomerIds.has(e.sender)).map((e) => new Date(e.at).getUTCHours());
    expect(hours.filter((h) => h >= 19 || h < 1).length).toBeGreaterThan(hours.filter((h) => h >= 5 && h < 12).length);
    // Time-ordered, inside the simulated days.
    for (let i = 1; i < script.events.length; i += 1) expect(script.events[i]?.at ?? 0).toBeGreaterThanOrEqual(script.events[i - 1]?.at ?? 0);
    expect(script.events[0]?.at ?? 0).toBeGreaterThanOrEqual(script.startsAt);
  });

  it('refuses sizes it cannot populate', () => {
    expect(() => generatePopulation({ ...options, accounts: 5 })).toThrow(/at least 20/);
    expect(() => generateScript(generatePopulation(options), { days: 0 })).toThrow(/--days/);
    expect(() => generatePopulation({ ...options, asOf: 'yesterday' })).toThrow(/YYYY-MM-DD/);
  });
});

describe('picture rendering', () => {
  it('blurs a picture Safeguard asked to blur for this recipient until the child chooses to see it', () => {
    const message = {
      id: 'm1',
      conversationId: 'dm:a|b',
      from: CAST.classmate,
      to: CAST.child,
      at: '2026-03-02T10:00:00.000Z',
      text: null,
      image: { pictureId: 'sunset', mediaId: 'md_1', outcome: 'deliver', explanation: 'may contain nudity', deliveries: { [CAST.child]: 'deliver_blurred' } },
      action: 'deliver',
      signals: [],
    };
    const received = messageView(message, CAST.child, (id) => id);
    expect(received).toContain('data-blurred="true"');
    expect(received).toContain('type="checkbox"');
    // The sender sees their own picture unblurred; another recipient with a plain delivery too.
    expect(messageView(message, CAST.classmate, (id) => id)).toContain('data-blurred="false"');
  });
});
