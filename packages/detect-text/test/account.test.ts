/**
 * Account-level aggregation flags a risky tail of conversations with children even when no single
 * conversation alerts, and ignores conversations without children.
 */
import { describe, expect, it } from 'vitest';
import { aggregateAccountRisk, type ConversationScoreSummary } from '../src/index.js';

const c = (id: string, score: number, withChild = true, at?: string): ConversationScoreSummary => ({ conversationId: id, score, withChild, ...(at ? { at } : {}) });

describe('aggregateAccountRisk', () => {
  it('flags several moderately risky conversations with children though none alerts', () => {
    const r = aggregateAccountRisk([c('1', 0.4), c('2', 0.38), c('3', 0.42), c('4', 0.35), c('5', 0.4), c('6', 0.05)]);
    expect(r.flagged).toBe(true);
    expect(r.reasons).toContain('risky-tail');
    expect(r.tail.slice(0, 2)).toEqual(['3', '1']);
  });

  it('does not flag one moderate conversation, or many low ones', () => {
    expect(aggregateAccountRisk([c('1', 0.45)]).flagged).toBe(false);
    expect(aggregateAccountRisk(Array.from({ length: 20 }, (_, i) => c(String(i), 0.04))).flagged).toBe(false);
  });

  it('counts only conversations with children, within the window', () => {
    const adults = Array.from({ length: 6 }, (_, i) => c(`a${i}`, 0.45, false));
    expect(aggregateAccountRisk(adults).conversationsWithChildren).toBe(0);
    expect(aggregateAccountRisk(adults).flagged).toBe(false);
    const old = Array.from({ length: 6 }, (_, i) => c(`o${i}`, 0.45, true, '2025-01-01T00:00:00Z'));
    expect(aggregateAccountRisk(old, { since: '2026-01-01T00:00:00Z' }).flagged).toBe(false);
    expect(aggregateAccountRisk(old).flagged).toBe(true);
  });

  it('passes a conversation alert through as a reason', () => {
    const r = aggregateAccountRisk([{ conversationId: 'x', score: 0.9, withChild: true, alert: true }]);
    expect(r.reasons).toContain('conversation-alert');
  });

  it('is monotone: adding a risky conversation never lowers the score', () => {
    const base = [c('1', 0.3), c('2', 0.2)];
    expect(aggregateAccountRisk([...base, c('3', 0.3)]).score).toBeGreaterThan(aggregateAccountRisk(base).score);
  });
});
