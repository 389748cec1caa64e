// @vitest-environment jsdom
/**
 * The regulator pages against a real server with two tenants (platforms), each with its own
 * regulator key: figures side by side for a disclosed period (a tenant that did not disclose it
 * says so), the conformance matrix, the breach register with its penalty cap, and the penalty
 * calculator. Everything the regulator reads is audited by the server.
 */
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { setPlatformAPI } from 'echarts/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { METRICS, compareCharts, formatFigure } from '../../src/regulator/metrics';
import type { TransparencyReport } from '../../src/regulator/types';
import { renderConsole } from './render';
import { seedCases, startConsoleTestServer, unlabelledControls, type ConsoleTestServer } from './support';

let server: ConsoleTestServer;
let other: { tenantId: string; admin: string; regulator: string; platform: string };
const today = new Date().toISOString().slice(0, 10);
const monthStart = `${today.slice(0, 8)}01`;

const run = (failing: boolean) => ({
  target: 'https://platform.example',
  startedAt: new Date(Date.now() - 60_000).toISOString(),
  finishedAt: new Date().toISOString(),
  results: [
    { ruleId: 'DEF-01', title: 'Child not shown friend/connection suggestions', status: 'pass', reason: 'suggestions exclude the child', evidence: [] },
    {
      ruleId: 'DEF-05',
      title: 'No direct messages from non-connected accounts',
      status: failing ? 'fail' : 'pass',
      reason: failing ? 'a stranger adult could message the child' : 'denied',
      evidence: [{ request: { method: 'POST', path: '/v1/decisions' }, response: { status: 200, body: { decision: failing ? 'allow' : 'deny' } } }],
    },
    { ruleId: 'AGE-03', title: 'Age-assessment appeals', status: 'not-applicable', reason: 'not checkable through the API', evidence: [] },
  ],
});

beforeAll(async () => {
  setPlatformAPI({ measureText: (text: string) => ({ width: text.length * 7 }) });
  server = await startConsoleTestServer();
  await seedCases(server);
  other = await server.addTenant('Northwind Play');
  const a = server.keys.admin;
  for (const body of [{ kind: 'transparency', from: monthStart, to: today }, { kind: 'breaches' }, { kind: 'conformance' }]) {
    expect((await server.call('POST', '/v1/regulator/disclosures', a, body)).status).toBe(201);
  }
  expect((await server.call('POST', '/v1/regulator/conformance', a, run(true))).status).toBe(201);
  const breach = await server.call('POST', '/v1/regulator/breaches', a, {
    ruleId: 'DEF-05',
    from: monthStart,
    to: today,
    summary: 'Stranger adults could message child accounts.',
    evidence: [{ kind: 'conformance', reference: 'latest run', description: 'DEF-05 failed' }],
    penalty: { regime: 'UK-OSA', qualifyingWorldwideRevenue: 420_000_000 },
  });
  expect(breach.status).toBe(201);
  // The other platform disclosed only an old period, and its conformance run.
  expect((await server.call('POST', '/v1/regulator/disclosures', other.admin, { kind: 'transparency', from: '2025-01-01', to: '2025-01-31' })).status).toBe(201);
  expect((await server.call('POST', '/v1/regulator/disclosures', other.admin, { kind: 'conformance' })).status).toBe(201);
  expect((await server.call('POST', '/v1/regulator/conformance', other.admin, run(false))).status).toBe(201);
});
afterAll(async () => server.close());
afterEach(cleanup);

async function addOtherTenant(): Promise<void> {
  fireEvent.change(await screen.findByLabelText('Add another tenant’s regulator key'), { target: { value: other.regulator } });
  fireEvent.click(screen.getByRole('button', { name: 'Add tenant' }));
  expect(await screen.findByText('Added Northwind Play.')).toBeTruthy();
}

describe('regulator pages', () => {
  it('compares disclosed transparency figures side by side; an undisclosed period says so', async () => {
    const view = renderConsole(server, '/regulator', server.keys.regulator);
    await addOtherTenant();
    const table = await screen.findByRole('table', { name: 'Transparency figures, one column per tenant' });
    await waitFor(() => expect([...table.querySelectorAll('thead th')].map((c) => c.textContent)).toEqual(['Figure', 'console-test', 'Northwind Play']));
    const row = (label: string) => [...(within(table).getByRole('rowheader', { name: label }).closest('tr')?.querySelectorAll('td') ?? [])].map((td) => td.textContent);
    await waitFor(() => expect(row('Grooming alerts')).toEqual(['1', 'not available']));
    expect(row('Accounts treated as children')).toEqual(['1', 'not available']);
    expect(row('Reconciliation checks failed')).toEqual(['0', 'not available']);
    expect(screen.getByText(/has not disclosed this transparency/).closest('p')?.textContent).toContain('Northwind Play');
    expect(screen.getByLabelText<HTMLInputElement>('From').value).toBe(monthStart);
    expect(screen.getByRole('button', { name: new RegExp(`${monthStart} – ${today}`) }).getAttribute('aria-pressed')).toBe('true');
    expect(screen.getByText('Child-safety detections and referrals', { selector: 'figcaption' })).toBeTruthy();
    expect(unlabelledControls(view.container)).toEqual([]);
    // The regulator's reads are in the platform's audit log.
    const audit = await server.call<{ entries: { action: string; target: string }[] }>('GET', '/v1/audit?action=regulator.read', server.keys.admin);
    expect(audit.body.entries.some((e) => e.target === 'transparency')).toBe(true);
  });

  it('shows the conformance matrix, failures first, with the evidence', async () => {
    renderConsole(server, '/regulator/conformance', server.keys.regulator);
    await addOtherTenant();
    const table = await screen.findByRole('table', { name: 'Result per rule and tenant (latest run)' });
    await waitFor(() => expect(within(table).getAllByRole('columnheader')).toHaveLength(3));
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows[0]?.textContent).toMatch(/^DEF-05.*FailPass$/);
    expect(rows.map((r) => r.querySelector('code')?.textContent)).toEqual(['DEF-05', 'DEF-01', 'AGE-03']);
    expect(screen.getByText('1 failed')).toBeTruthy();
    expect(screen.getByText('All pass')).toBeTruthy();
    expect(screen.getByText('a stranger adult could message the child')).toBeTruthy();
  });

  it('lists the breach with its penalty cap, and calculates caps with citations', async () => {
    const view = renderConsole(server, '/regulator/breaches', server.keys.regulator);
    const cell = await screen.findByText('Stranger adults could message child accounts.');
    expect(cell.closest('tr')?.textContent).toContain('£42,000,000');
    expect(unlabelledControls(view.container)).toEqual([]);
    fireEvent.change(screen.getByLabelText('Regime'), { target: { value: 'EU-DSA' } });
    fireEvent.change(screen.getByLabelText('Annual worldwide turnover (EUR)'), { target: { value: '1,000,000,000' } });
    fireEvent.change(screen.getByLabelText('Infringement'), { target: { value: 'information' } });
    fireEvent.click(screen.getByRole('button', { name: 'Calculate the maximum' }));
    const max = await screen.findByText('Maximum: €10,000,000');
    expect(max.closest('.penalty')?.textContent).toMatch(/DSA/);
  });
});

describe('metrics (pure)', () => {
  it('picks figures from the report as the server computed them, and formats them', () => {
    const report = {
      eu: {
        orders: { article9: { received: 1 }, article10: { received: 2 } },
        notices: { total: { received: 5, timeToAction: { count: 5, medianHours: 0.25 } }, concerningChildren: 3 },
        ownInitiative: { illegal: { total: { measures_total: 4 } }, termsAndConditions: { total: { measures_total: 6 } } },
        decisions: { total: 7 },
        complaints: { received: 2, upheld: 1, reversed: 1, partiallyReversed: 0, pending: 0, decisionTime: { count: 2, medianHours: 30 }, decidedWithoutHumanReview: 0 },
        suspensions: { total: 0, withoutPriorWarning: 0 },
        averageMonthlyRecipients: { eu: null },
      },
      childSafety: {
        accounts: { total: 10, treatedAsChild: 4, byBand: { under13: 2, '13-15': 1, '16-17': 1 }, highlyEffectiveAssurance: { children: 1, adults: 2 } },
        defaults: { childAccounts: 4, kept: 3, keptShare: 0.75 },
        interactions: { deniedByRule: { 'DEF-01': 9, 'DEF-05': 2 } },
        alerts: { total: 3, byKind: { grooming: { raised: 2, timeToAction: { count: 1, medianHours: 1.5 } } } },
        hashMatches: { total: 1 },
        referrals: { total: 1 },
      },
      reconciliation: { ok: true, checks: [{ id: 'x', ok: true, description: '' }] },
    } as unknown as TransparencyReport;
    const figures = { name: 'A', report, stats: null };
    const value = (label: string) => {
      const m = METRICS.find((x) => x.label === label);
      if (!m) throw new Error(label);
      return formatFigure(m.value(figures), m.unit);
    };
    expect(value('Orders received from authorities')).toBe('3');
    expect(value('Own-initiative measures')).toBe('10');
    expect(value('Median time to act on a notice')).toBe('15 min');
    expect(value('Median time to decide a complaint')).toBe('30 h');
    expect(value('Child accounts keeping every protective default')).toBe('75%');
    expect(value('Interactions denied by a rule')).toBe('11');
    expect(value('Cases decided after their SLA')).toBe('—');
    const charts = compareCharts([figures, { name: 'B', report: null, stats: null }]);
    expect(charts.every((c) => c.categories.length === 1)).toBe(true);
    expect(charts.find((c) => c.title === 'Interactions denied, by rule')?.series.map((s) => [s.name, s.data])).toEqual([
      ['DEF-01', [9]],
      ['DEF-05', [2]],
    ]);
  });
});
