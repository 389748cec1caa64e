// @vitest-environment jsdom
/**
 * The queue against a real server: most severe first with counts per severity, live SLA
 * countdowns, severity filtering, and "Take the most urgent case" claiming the grooming case.
 */
import { createElement as h } from 'react';
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { SlaCountdown } from '../../src/components/SlaCountdown';
import { renderConsole } from './render';
import { seedCases, startConsoleTestServer, unlabelledControls, type ConsoleTestServer } from './support';

let server: ConsoleTestServer;
let ids: { groomingCaseId: string; bullyingCaseId: string };

beforeAll(async () => {
  server = await startConsoleTestServer();
  ids = await seedCases(server);
});
afterAll(async () => server.close());
afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

describe('queue', () => {
  it('lists the grooming case first, with counts per severity and a running SLA countdown', async () => {
    const view = renderConsole(server, '/queue', server.keys.moderator);
    const table = await screen.findByRole('table');
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows).toHaveLength(2);
    expect(rows[0]?.textContent).toContain(ids.groomingCaseId);
    expect(rows[0]?.textContent).toContain('Critical');
    expect(rows[0]?.textContent).toContain('child involved');
    expect(rows[1]?.textContent).toContain(ids.bullyingCaseId);
    // Critical SLA is one hour from the alert, raised 14 minutes ago: about 46 minutes left.
    const timer = within(rows[0] as HTMLElement).getByRole('timer');
    expect(timer.textContent).toMatch(/^(4[4-6])m \d\ds left$/);
    const counts = screen.getByRole('navigation', { name: 'Open cases by severity' });
    expect(within(counts).getByRole('link', { name: /Critical\s*1\s*open/ })).toBeTruthy();
    expect(unlabelledControls(view.container)).toEqual([]);
  });

  it('filters by severity from the counts and from the labelled select', async () => {
    renderConsole(server, '/queue?severity=medium', server.keys.moderator);
    const table = await screen.findByRole('table');
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows.map((r) => r.textContent?.includes(ids.bullyingCaseId))).toEqual([true]);
    expect(screen.getByLabelText<HTMLSelectElement>('Severity').value).toBe('medium');
    fireEvent.change(screen.getByLabelText('Severity'), { target: { value: 'critical' } });
    expect(await screen.findByRole('link', { name: new RegExp(`Open case ${ids.groomingCaseId}`) })).toBeTruthy();
  });

  it('"Take the most urgent case" claims the grooming case and opens it', async () => {
    renderConsole(server, '/queue', server.keys.moderator2);
    fireEvent.click(await screen.findByRole('button', { name: 'Take the most urgent case' }));
    expect(await screen.findByRole('heading', { level: 1, name: new RegExp(ids.groomingCaseId) })).toBeTruthy();
    const queue = await server.call<{ items: { id: string; assignment: { mine: boolean } | null }[] }>('GET', '/v1/cases?assigned=me', server.keys.moderator2);
    expect(queue.body.items.map((c) => c.id)).toEqual([ids.groomingCaseId]);
    expect(await screen.findByText(/You hold this case until/)).toBeTruthy();
    await server.call('POST', `/v1/cases/${ids.groomingCaseId}/release`, server.keys.moderator2, {});
  });
});

describe('SLA countdown', () => {
  it('counts down each second from when the answer arrived, then shows the breach', () => {
    vi.useFakeTimers();
    const loadedAt = Date.now();
    render(h(SlaCountdown, { sla: { dueAt: new Date(loadedAt + 62_000).toISOString(), remainingMs: 62_000, breached: false }, loadedAt }));
    expect(screen.getByRole('timer').textContent).toBe('1m 02s left');
    act(() => {
      vi.advanceTimersByTime(3_000);
    });
    expect(screen.getByRole('timer').textContent).toBe('59s left');
    act(() => {
      vi.advanceTimersByTime(70_000);
    });
    expect(screen.getByRole('timer').textContent).toBe('⚠ Overdue by 11s');
    expect(screen.getByRole('timer').className).toContain('sla-breached');
  });
});
