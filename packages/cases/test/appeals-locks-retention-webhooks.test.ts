import { describe, expect, it } from 'vitest';
import {
  appealEffect,
  backoffMs,
  canTakeLock,
  checkReplacement,
  lockHolder,
  lockMinutes,
  median,
  newWebhookSecret,
  preservationUntil,
  retentionVerdict,
  signPayload,
  verifySignature,
} from '../src/index.js';

describe('locks', () => {
  it('are exclusive until they expire, renewable by the holder', () => {
    const lock = { assignee: 'mod-a', expiresAtMs: 1000 };
    expect(lockHolder(lock, 999)).toBe('mod-a');
    expect(lockHolder(lock, 1000)).toBeNull();
    expect(canTakeLock(lock, 'mod-b', 999)).toBe(false);
    expect(canTakeLock(lock, 'mod-a', 999)).toBe(true);
    expect(canTakeLock(lock, 'mod-b', 1001)).toBe(true);
    expect(canTakeLock({ assignee: null, expiresAtMs: null }, 'mod-b', 0)).toBe(true);
    expect(lockMinutes(undefined)).toBe(15);
    expect(lockMinutes(10_000)).toBe(120);
    expect(lockMinutes(0)).toBe(1);
  });
});

describe('appeals', () => {
  it('map outcomes to effects and Coop callback values', () => {
    expect(appealEffect('upheld')).toMatchObject({ coopDecision: 'REJECT', decisionStands: true });
    expect(appealEffect('reversed')).toMatchObject({ coopDecision: 'ACCEPT', restore: true, revokeStrikes: true });
    expect(appealEffect('partially_reversed')).toMatchObject({ coopDecision: 'ACCEPT', replacement: true });
  });
  it('need a lighter replacement for a partial reversal, and none otherwise', () => {
    expect(() => checkReplacement('partially_reversed', 'ban', 'suspend')).not.toThrow();
    expect(() => checkReplacement('partially_reversed', 'ban', undefined)).toThrow(/replacementAction/);
    expect(() => checkReplacement('partially_reversed', 'suspend', 'ban')).toThrow(/lighter/);
    expect(() => checkReplacement('partially_reversed', 'suspend', 'no_action')).toThrow(/reversed/);
    expect(() => checkReplacement('upheld', 'ban', 'warn')).toThrow(/only for/);
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNull();
  });
});

describe('retention', () => {
  it('keeps open, held and young evidence; purges the rest', () => {
    expect(retentionVerdict({ retainUntilMs: 10, caseOpen: false, underLegalHold: true, nowMs: 100 })).toBe('keep:legal-hold');
    expect(retentionVerdict({ retainUntilMs: 10, caseOpen: true, underLegalHold: false, nowMs: 100 })).toBe('keep:open-case');
    expect(retentionVerdict({ retainUntilMs: 1000, caseOpen: false, underLegalHold: false, nowMs: 100 })).toBe('keep:retention');
    expect(retentionVerdict({ retainUntilMs: 10, caseOpen: false, underLegalHold: false, nowMs: 100 })).toBe('purge');
    expect(preservationUntil(0)).toBe(365 * 86_400_000);
  });
});

describe('webhook signatures', () => {
  const secret = newWebhookSecret();
  const body = JSON.stringify({ type: 'case.decided', data: { n: 'é✓' } });

  it('verify for the platform with the secret, the raw body and the header', () => {
    const header = signPayload(secret, body, 1_800_000_000);
    expect(header).toMatch(/^t=1800000000,v1=[0-9a-f]{64}$/);
    expect(verifySignature(secret, body, header, 1_800_000_100)).toEqual({ ok: true, timestamp: 1_800_000_000 });
  });

  it('fail for a changed body, another secret, an old timestamp or a bad header', () => {
    const header = signPayload(secret, body, 1_800_000_000);
    expect(verifySignature(secret, `${body} `, header, 1_800_000_000)).toMatchObject({ ok: false, reason: 'signature does not match' });
    expect(verifySignature(newWebhookSecret(), body, header, 1_800_000_000)).toMatchObject({ ok: false });
    expect(verifySignature(secret, body, header, 1_800_000_301)).toMatchObject({ ok: false, reason: 'timestamp outside tolerance' });
    expect(verifySignature(secret, body, header.replace('t=1800000000', 't=1800000001'), 1_800_000_000)).toMatchObject({ ok: false });
    expect(verifySignature(secret, body, undefined, 0)).toMatchObject({ ok: false });
    expect(verifySignature(secret, body, 'v1=abc', 0)).toMatchObject({ ok: false });
  });

  it('back off exponentially with jitter, capped', () => {
    const mid = () => 0.5;
    expect(backoffMs(1, { baseMs: 1000, maxMs: 60_000 }, mid)).toBe(1000);
    expect(backoffMs(3, { baseMs: 1000, maxMs: 60_000 }, mid)).toBe(4000);
    expect(backoffMs(40, { baseMs: 1000, maxMs: 60_000 }, mid)).toBe(60_000);
    expect(backoffMs(1, { baseMs: 1000, maxMs: 60_000 }, () => 0)).toBe(800);
  });
});
