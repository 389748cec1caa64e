/** Coop-shaped intake: the payloads a platform integrated with Coop already sends. */
import { describe, expect, it } from 'vitest';
import { MAX_THREAD_ITEMS, normalizeReport, type IntakeReport } from '../src/index.js';

const coopReport: IntakeReport = {
  reporter: { kind: 'user', typeId: 'user-type', id: 'child-1' },
  reportedAt: '2026-03-01T10:00:00Z',
  reportedForReason: { policyId: 'grooming', reason: 'he keeps asking for pics', csam: null },
  reportedItem: { id: 'm3', typeId: 'chat-message', data: { text: 'send me a pic', creatorId: { id: 'adult-9', typeId: 'user-type' }, createdAt: '2026-03-01T09:02:00Z' } },
  reportedItemThread: [
    { id: 'm3', typeId: 'chat-message', data: { text: 'send me a pic', creatorId: 'adult-9', createdAt: '2026-03-01T09:02:00Z' } },
    { id: 'm1', type: { id: 'chat-message' }, data: { text: 'hi', creatorId: 'adult-9', createdAt: '2026-03-01T09:00:00Z' } },
    { id: 'm2', typeId: 'chat-message', data: { text: 'hello', creatorId: 'child-1', createdAt: '2026-03-01T09:01:00Z', images: ['https://cdn.example/x.jpg'] } },
  ],
  reportedItemsInThread: [{ id: 'm1', typeId: 'chat-message' }],
};

describe('normalizeReport', () => {
  it('finds the subject, orders the thread by time and marks what was reported', () => {
    const n = normalizeReport(coopReport);
    expect(n.subjectAccountId).toBe('adult-9');
    expect(n.reason.code).toBe('grooming');
    expect(n.reasonText).toBe('he keeps asking for pics');
    expect(n.thread.map((m) => [m.id, m.index, m.flagged])).toEqual([
      ['m1', 0, true],
      ['m2', 1, false],
      ['m3', 2, true],
    ]);
    expect(n.thread[1]?.media).toEqual(['https://cdn.example/x.jpg']);
    expect(n.reportedItem.index).toBe(2);
    expect(n.warnings).toEqual([]);
  });

  it('accepts a user item, a missing reporter.kind, null members and extra keys', () => {
    const n = normalizeReport({
      reporter: { id: 'r1', typeId: 'user' },
      reportedAt: null,
      reportedForReason: null,
      reportedItem: { id: 'adult-2', typeId: 'user', data: { displayName: 'x' }, extra: true } as IntakeReport['reportedItem'],
      reportedItemThread: null,
    });
    expect(n.subjectAccountId).toBe('adult-2');
    expect(n.reporter.kind).toBe('user');
    expect(n.reason.code).toBe('other');
  });

  it('files unknown policy ids as "other" with a warning, and csam:true as CSAM', () => {
    expect(normalizeReport({ ...coopReport, reportedForReason: { policyId: 'coop-policy-77' } }).warnings[0]).toMatch(/coop-policy-77/);
    expect(normalizeReport({ ...coopReport, reportedForReason: { policyId: 'coop-policy-77' } }, { 'coop-policy-77': 'bullying' }).reason.code).toBe('bullying');
    expect(normalizeReport({ ...coopReport, reportedForReason: { csam: true } }).reason.code).toBe('csam');
  });

  it('rejects malformed reports with the field that is wrong', () => {
    const bad = (r: IntakeReport) => {
      try {
        normalizeReport(r);
        return null;
      } catch (e) {
        return e as { code: string; details: { field: string } };
      }
    };
    expect(bad({ ...coopReport, reportedAt: 'yesterday' })).toMatchObject({ code: 'validation_failed', details: { field: 'reportedAt' } });
    expect(bad({ ...coopReport, reporter: { kind: 'authority', name: 'Police' } })).toMatchObject({ details: { field: 'reporter.order' } });
    expect(bad({ ...coopReport, reporter: { kind: 'user' } })).toMatchObject({ details: { field: 'reporter.id' } });
    expect(bad({ ...coopReport, reportedItem: { id: 'm3', typeId: 'chat-message', data: { text: 'x' } } })).toMatchObject({
      details: { field: 'reportedItem.data.creatorId' },
    });
    expect(bad({ ...coopReport, reportedItemThread: [{ id: 'u', typeId: 'user', data: {} }] })).toMatchObject({ details: { field: 'reportedItemThread.0' } });
    expect(
      bad({ ...coopReport, reportedItem: { id: 't', typeId: 'thread', data: { creatorId: 'a' } }, additionalItems: [{ id: 'x', typeId: 'post', data: {} }] }),
    ).toMatchObject({ details: { field: 'additionalItems' } });
    const big = Array.from({ length: MAX_THREAD_ITEMS + 1 }, (_, i) => ({ id: `m${i}`, typeId: 'msg', data: { creatorId: 'a' } }));
    expect(bad({ ...coopReport, reportedItemThread: big })).toMatchObject({ code: 'payload_too_large' });
  });

  it('keeps an authority order and a trusted flagger name', () => {
    const n = normalizeReport({
      ...coopReport,
      reporter: { kind: 'authority', name: 'Garda National Cyber Crime Bureau', order: { authority: 'An Garda Síochána', reference: 'ORD-1', memberState: 'IE', article: 9 } },
    });
    expect(n.reporter.order?.reference).toBe('ORD-1');
    expect(normalizeReport({ ...coopReport, reporter: { kind: 'trusted-flagger', name: 'Hotline' } }).reporter.name).toBe('Hotline');
  });
});
