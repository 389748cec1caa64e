/** Penalty caps (REGULATION.md §9) with their arithmetic and citations, and the breach register model. */
import { describe, expect, it } from 'vitest';
import { SafeguardError } from '@safeguard/core';
import { calculatePenalty, euDsaMaximumPenalty, transitionBreach, ukOsaMaximumPenalty, us2258aMaximumFine, validateBreachInput, type Breach } from '../src/index.js';

describe('UK Online Safety Act, Sch 13 para 4', () => {
  it('is the greater of £18m and 10% of qualifying worldwide revenue', () => {
    expect(ukOsaMaximumPenalty({ qualifyingWorldwideRevenue: 500_000_000 }).maximum).toBe(50_000_000);
    expect(ukOsaMaximumPenalty({ qualifyingWorldwideRevenue: 100_000_000 }).maximum).toBe(18_000_000);
    expect(ukOsaMaximumPenalty({ qualifyingWorldwideRevenue: 180_000_001 }).maximum).toBe(18_000_000.1);
    const r = ukOsaMaximumPenalty({ qualifyingWorldwideRevenue: 500_000_000 });
    expect(r.basis).toContain('10% × £500,000,000');
    expect(r.citations[0]).toMatchObject({ provision: 'OSA 2023 Sch 13 para 4(1)', confidence: 'P' });
  });
  it('pro-rates revenue of a period other than 12 months, and handles missing periods', () => {
    expect(ukOsaMaximumPenalty({ qualifyingWorldwideRevenue: 150_000_000, accountingPeriodMonths: 6 }).maximum).toBe(30_000_000);
    expect(ukOsaMaximumPenalty({}).maximum).toBe(18_000_000);
    expect(ukOsaMaximumPenalty({ estimatedRevenueFirstPeriod: 400_000_000 }).maximum).toBe(40_000_000);
    expect(ukOsaMaximumPenalty({ qualifyingWorldwideRevenue: 1e12, notProvider: true }).maximum).toBe(18_000_000);
  });
  it('rejects nonsense inputs', () => {
    expect(() => ukOsaMaximumPenalty({ qualifyingWorldwideRevenue: -1 })).toThrow(SafeguardError);
    expect(() => ukOsaMaximumPenalty({ qualifyingWorldwideRevenue: 1, accountingPeriodMonths: 0 })).toThrow(/between 1 and 60/);
  });
});

describe('EU Digital Services Act, Arts 52 and 74', () => {
  it('caps fines at 6%, information failures at 1%, periodic penalties at 5% of average daily turnover', () => {
    expect(euDsaMaximumPenalty({ annualWorldwideTurnover: 1_000_000_000, infringement: 'obligation' }).maximum).toBe(60_000_000);
    expect(euDsaMaximumPenalty({ annualWorldwideTurnover: 1_000_000_000, infringement: 'information' }).maximum).toBe(10_000_000);
    const periodic = euDsaMaximumPenalty({ annualWorldwideTurnover: 365_000_000, infringement: 'periodic', days: 10 });
    expect(periodic.maximum).toBe(500_000);
    expect(periodic.basis).toContain('€50,000 per day × 10 day(s)');
    expect(euDsaMaximumPenalty({ annualWorldwideTurnover: 1, infringement: 'obligation', enforcer: 'commission' }).citations.map((c) => c.provision)).toContain('DSA Art 74(1)');
    expect(() => euDsaMaximumPenalty({ annualWorldwideTurnover: 1, infringement: 'periodic', days: 0 })).toThrow(/days/);
  });
});

describe('US 18 USC 2258A(e)', () => {
  it('depends on size and on whether the failure is the first', () => {
    expect(us2258aMaximumFine({ monthlyActiveUsers: 150_000_000 }).maximum).toBe(850_000);
    expect(us2258aMaximumFine({ monthlyActiveUsers: 5_000_000 }).maximum).toBe(600_000);
    expect(us2258aMaximumFine({ monthlyActiveUsers: 150_000_000, priorFailures: 1 }).maximum).toBe(1_000_000);
    expect(us2258aMaximumFine({ monthlyActiveUsers: 5_000_000, priorFailures: 2 }).maximum).toBe(850_000);
    expect(calculatePenalty({ regime: 'US-2258A', monthlyActiveUsers: 1 }).citations[0]?.provision).toBe('18 USC 2258A(e)');
  });
});

describe('breach register model', () => {
  const input = {
    ruleId: 'DEF-05',
    period: { from: '2025-01-01', to: '2025-03-31' },
    summary: 'Strangers could message children: DEF-05 exempted without basis.',
    evidence: [{ kind: 'conformance' as const, reference: 'run-1', description: 'conformance run failed DEF-05' }],
    penalty: { regime: 'UK-OSA' as const, qualifyingWorldwideRevenue: 300_000_000 },
  };
  it('validates and assesses the penalty', () => {
    expect(validateBreachInput(input, (id) => id === 'DEF-05').penaltyResult?.maximum).toBe(30_000_000);
    expect(() => validateBreachInput({ ...input, ruleId: 'DEF-99' }, (id) => id === 'DEF-05')).toThrow(/not a rule/);
    expect(() => validateBreachInput({ ...input, evidence: [] })).toThrow(/evidence/);
    expect(() => validateBreachInput({ ...input, period: { from: '2025-03-01', to: '2025-01-01' } })).toThrow(/before/);
    expect(() => validateBreachInput({ ...input, evidence: [{ ...input.evidence[0]!, sha256: 'abc' }] })).toThrow(/sha256/);
  });
  it('moves through the enforcement process and refuses going back', () => {
    const breach: Breach = { ...input, id: 'br1', status: 'open', recordedAt: 't0', recordedBy: 'admin', updatedAt: 't0', penaltyResult: null, history: [] };
    const provisional = transitionBreach(breach, 'provisional', 'admin', 't1', 'provisional notice s.130');
    const confirmed = transitionBreach(provisional, 'confirmed', 'admin', 't2', null);
    expect(confirmed.history.map((h) => h.status)).toEqual(['provisional', 'confirmed']);
    expect(() => transitionBreach(confirmed, 'open', 'admin', 't3', null)).toThrow(/cannot become open/);
    expect(() => transitionBreach(transitionBreach(confirmed, 'closed', 'a', 't', null), 'remedied', 'a', 't', null)).toThrow(/allowed: none/);
  });
});
