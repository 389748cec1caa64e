// @vitest-environment jsdom
/**
 * The dashboard (ECharts, rendered to SVG, with the same numbers in tables) and the appeals queue,
 * against a real server with real decisions and an appeal lodged by the platform.
 */
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { setPlatformAPI } from 'echarts/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { renderConsole } from './render';
import { SUSPECT, seedCases, startConsoleTestServer, unlabelledControls, type ConsoleTestServer } from './support';

let server: ConsoleTestServer;
let ids: { groomingCaseId: string; bullyingCaseId: string };
let appealId = '';

beforeAll(async () => {
  // jsdom has no canvas, which ECharts uses to measure text: give it a measurer, as its server-side mode does.
  setPlatformAPI({ measureText: (text: string) => ({ width: text.length * 7 }) });
  server = await startConsoleTestServer();
  ids = await seedCases(server);
  const decided = await server.call<{ decision: { id: string } }>('POST', `/v1/cases/${ids.groomingCaseId}/decisions`, server.keys.moderator, { action: 'ban', facts: 'Secrecy and image requests to a child.' });
  expect(decided.status).toBe(201);
  const appeal = await server.call<{ appealId: string }>('POST', '/v1/appeals', server.keys.platform, {
    appealId: 'platform-appeal-7',
    appealedBy: { id: SUSPECT, typeId: 'user' },
    appealedAt: new Date().toISOString(),
    actionedItem: { id: SUSPECT, typeId: 'user', data: {} },
    actionsTaken: [decided.body.decision.id],
    appealReason: 'I think this was a mistake.',
  });
  expect(appeal.status).toBe(201);
  appealId = appeal.body.appealId;
});
afterAll(async () => server.close());
afterEach(cleanup);

describe('dashboard', () => {
  it('charts volumes, handling times and SLA breaches, with the numbers in tables', async () => {
    const view = renderConsole(server, '/dashboard', server.keys.moderator);
    const opened = await screen.findByText('Cases opened per day, by severity', { selector: 'figcaption' });
    const figure = opened.closest('figure') as HTMLElement;
    await waitFor(() => expect(figure.querySelector('svg')).not.toBeNull());
    const today = new Date().toISOString().slice(0, 10);
    const table = within(figure).getByRole('table');
    const row = within(table).getByRole('rowheader', { name: today }).closest('tr') as HTMLElement;
    const headers = within(table).getAllByRole('columnheader').map((c) => c.textContent);
    expect(headers).toEqual(['Day', 'Critical', 'Medium']);
    expect([...row.querySelectorAll('td')].map((td) => td.textContent)).toEqual(['1', '1']);
    for (const title of ['Decisions per day within and beyond the SLA', 'Reports and detection alerts per day']) {
      expect(screen.getByText(title, { selector: 'figcaption' })).toBeTruthy();
    }
    // Decided within minutes: the handling-time chart speaks in minutes, against the SLA targets.
    const handling = screen.getByText('Handling time to first decision, by severity (minutes)', { selector: 'figcaption' }).closest('figure') as HTMLElement;
    expect(within(handling).getByText(/^SLA targets: critical 1h 00m, high 4h 00m, medium 1d 00h, low 3d 00h\.$/)).toBeTruthy();
    const critical = within(within(handling).getByRole('table')).getByRole('rowheader', { name: 'Critical' }).closest('tr') as HTMLElement;
    const median = Number(critical.querySelector('td')?.textContent);
    expect(median).toBeGreaterThanOrEqual(0);
    expect(median).toBeLessThan(60);
    const sla = screen.getByText('Decisions per day within and beyond the SLA', { selector: 'figcaption' }).closest('figure') as HTMLElement;
    const slaRow = within(within(sla).getByRole('table')).getByRole('rowheader', { name: today }).closest('tr') as HTMLElement;
    expect([...slaRow.querySelectorAll('td')].map((td) => td.textContent)).toEqual(['1', '0', '0']);
    const tiles = screen.getByRole('list', { name: 'Summary' });
    expect(within(tiles).getByText('open cases now').previousSibling?.textContent).toBe('1');
    expect(within(tiles).getByText('appeals decided / lodged').previousSibling?.textContent).toBe('0/1');
    expect(unlabelledControls(view.container)).toEqual([]);
  });
});

describe('appeals', () => {
  it('lists the pending appeal; the original moderator is refused by the server, another reverses it', async () => {
    renderConsole(server, '/appeals', server.keys.moderator);
    const link = await screen.findByRole('link', { name: appealId });
    expect(link.closest('tr')?.textContent).toContain('Ban account');
    fireEvent.click(link);
    expect(await screen.findByRole('heading', { level: 1, name: 'Appeal against “Ban account”' })).toBeTruthy();
    expect(screen.getByText('I think this was a mistake.')).toBeTruthy();
    fireEvent.click(screen.getByRole('radio', { name: /Reversed/ }));
    fireEvent.click(screen.getByRole('button', { name: 'Record the appeal outcome' }));
    expect((await screen.findByRole('alert')).textContent).toMatch(/conflict/);
    cleanup();

    const view = renderConsole(server, `/appeals/${appealId}`, server.keys.moderator2);
    fireEvent.click(await screen.findByRole('radio', { name: /Partially reversed/ }));
    const replacement = screen.getByLabelText<HTMLSelectElement>('Replacement action');
    expect([...replacement.options].map((o) => o.value)).toEqual(['', 'no_action', 'warn', 'remove_content', 'restrict', 'suspend']);
    expect(unlabelledControls(view.container)).toEqual([]);
    fireEvent.click(screen.getByRole('radio', { name: /^Reversed/ }));
    fireEvent.change(screen.getByLabelText('Explanation for the appellant'), { target: { value: 'On review the messages were not grooming.' } });
    fireEvent.click(screen.getByRole('button', { name: 'Record the appeal outcome' }));
    expect(await screen.findByRole('heading', { name: 'Appeal Reversed' })).toBeTruthy();
    const stored = await server.call<{ appeal: { status: string; outcome: string; handlingMs: number } }>('GET', `/v1/appeals/${appealId}`, server.keys.admin);
    expect(stored.body.appeal).toMatchObject({ status: 'decided', outcome: 'reversed' });
  });
});
