// @vitest-environment jsdom
/**
 * The case view against a real server: why the case was raised (signals shown at the messages they
 * fired on), age bands, hash matches; media hidden until an audited reveal; the decision form
 * showing the server's statement-of-reasons preview before anything is recorded, and recording
 * exactly what was previewed.
 */
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { renderConsole } from './render';
import { TEST_IMAGE, seedCases, startConsoleTestServer, unlabelledControls, type ConsoleTestServer } from './support';

let server: ConsoleTestServer;
let caseId = '';

interface AuditPage {
  entries: { action: string; target: string; actor: string; details: Record<string, unknown> }[];
}

beforeAll(async () => {
  server = await startConsoleTestServer();
  caseId = (await seedCases(server)).groomingCaseId;
});
afterAll(async () => server.close());
afterEach(cleanup);

const messageWith = async (text: string): Promise<HTMLElement> => {
  const p = await screen.findByText(text);
  const li = p.closest('li');
  if (!li) throw new Error(`no message item for "${text}"`);
  return li;
};

describe('case view', () => {
  it('shows why it was raised: each signal at its message, with the participants’ age bands', async () => {
    const view = renderConsole(server, `/cases/${caseId}`, server.keys.moderator);
    expect(await screen.findByRole('heading', { level: 1, name: `Grooming or sexual enticement of a child — case ${caseId}` })).toBeTruthy();
    const secrecy = await messageWith('dont tell your parents about me ok, our secret');
    expect(secrecy.className).toContain('flagged');
    expect(within(secrecy).getByText('Secrecy')).toBeTruthy();
    const probe = await messageWith('how old are you btw?');
    expect(within(probe).getByText('Age probe')).toBeTruthy();
    const plain = await messageWith('thanks lol');
    expect(plain.className).not.toContain('flagged');
    expect(plain.querySelector('.tag-signal')).toBeNull();
    // The child's messages carry the child's band; the suspect is an adult and the case subject.
    expect(within(plain).getByText('Under 13 · child')).toBeTruthy();
    expect(within(probe).getByText('case subject')).toBeTruthy();
    // The signal list links to the messages.
    const why = screen.getByRole('list', { name: /Signals of the grooming alert/ });
    const link = within(why).getAllByRole('link')[1] as HTMLAnchorElement;
    expect(link.textContent).toBe('message 5');
    expect(document.getElementById(link.getAttribute('href')?.slice(1) ?? '')?.textContent).toContain('our secret');
    const participants = screen.getByRole('table', { name: 'Participants and their age bands' });
    expect(within(participants).getByText('ct-child').closest('tr')?.textContent).toContain('Under 13 · child');
    expect(within(participants).getByText('ct-suspect').closest('tr')?.textContent).toContain('Adult');
    expect(within(screen.getByRole('table', { name: 'Hash-bank matches' })).getByText('test-bank')).toBeTruthy();
    expect(unlabelledControls(view.container)).toEqual([]);
    // Opening the case was audited by the server.
    const audit = await server.call<AuditPage>('GET', '/v1/audit?action=case.view', server.keys.admin);
    expect(audit.body.entries.some((e) => e.target === caseId)).toBe(true);
  });

  it('keeps media hidden until the moderator reveals it; the reveal is audited and shown in greyscale', async () => {
    renderConsole(server, `/cases/${caseId}`, server.keys.moderator);
    const message = await messageWith('send me a pic of you');
    expect(message.querySelector('img')).toBeNull();
    expect(within(message).getByText(/1 media item hidden/)).toBeTruthy();
    const before = await server.call<AuditPage>('GET', '/v1/audit?action=case.media.reveal', server.keys.admin);
    expect(before.body.entries).toHaveLength(0);
    fireEvent.click(within(message).getByRole('button', { name: 'Reveal 1 media item' }));
    const img = await within(message).findByRole('img', { name: 'Evidence media 1 of 1' });
    expect(img.getAttribute('src')).toBe(TEST_IMAGE);
    expect(img.className).toBe('greyscale');
    const after = await server.call<AuditPage>('GET', '/v1/audit?action=case.media.reveal', server.keys.admin);
    expect(after.body.entries).toEqual([expect.objectContaining({ action: 'case.media.reveal', target: caseId })]);
    fireEvent.click(within(message).getByRole('button', { name: 'Show in colour' }));
    expect(img.className).toBe('');
    fireEvent.click(within(message).getByRole('button', { name: 'Hide media' }));
    expect(message.querySelector('img')).toBeNull();
  });

  it('previews the statement of reasons, records only what was previewed, and shows the result', async () => {
    renderConsole(server, `/cases/${caseId}`, server.keys.moderator);
    fireEvent.click(await screen.findByRole('button', { name: 'Take case' }));
    expect(await screen.findByText(/You hold this case until/)).toBeTruthy();
    const form = (await screen.findByRole('group', { name: 'Action' })).closest('form') as HTMLFormElement;
    const record = within(form).getByRole('button', { name: 'Record decision' });
    expect((record as HTMLButtonElement).disabled).toBe(true);
    expect(within(form).getByText('suggested').closest('label')?.textContent).toContain('Ban and refer to law enforcement');

    fireEvent.click(within(form).getByRole('radio', { name: 'Ban account' }));
    fireEvent.change(within(form).getByLabelText('Facts for the statement of reasons'), { target: { value: 'Asked a child for secrecy and for a picture.' } });
    const sor = await within(form).findByTestId('statement-of-reasons');
    await waitFor(() => expect(sor.querySelector('[data-field="decision_facts"]')?.textContent).toContain('Asked a child for secrecy and for a picture.'));
    expect(sor.querySelector('[data-field="decision_account"]')?.textContent).toContain('DECISION_ACCOUNT_TERMINATED');
    expect(sor.querySelector('[data-field="category"]')?.textContent).toContain('STATEMENT_CATEGORY_PROTECTION_OF_MINORS');
    expect(within(form).getByText(/Valid against the EU statement-of-reasons schema/)).toBeTruthy();
    expect(within(form).getByText(/Reported user/).closest('li')?.textContent).toContain('Your account has been closed');
    const ban = await within(form).findByRole('button', { name: 'Record decision: Ban account' });
    await waitFor(() => expect((ban as HTMLButtonElement).disabled).toBe(false));
    // Nothing stored by previewing.
    expect((await server.call<{ case: { status: string } }>('GET', `/v1/cases/${caseId}`, server.keys.admin)).body.case.status).toBe('open');
    const previewed = JSON.parse(within(form).getByText(/"decision_account"/).textContent ?? '{}') as Record<string, unknown>;

    // Changing the form invalidates the preview until the server has answered again.
    fireEvent.change(within(form).getByLabelText('Facts for the statement of reasons'), { target: { value: 'Asked a child for secrecy and a picture; moved to another app.' } });
    expect(within(form).getByRole<HTMLButtonElement>('button', { name: 'Record decision: Ban account' }).disabled).toBe(true);
    const latest = await within(form).findByTestId('statement-of-reasons');
    await waitFor(() => expect(latest.querySelector('[data-field="decision_facts"]')?.textContent).toContain('moved to another app'));
    const current = JSON.parse(within(form).getByText(/"decision_account"/).textContent ?? '{}') as Record<string, unknown>;
    expect(current.decision_facts).not.toEqual(previewed.decision_facts);
    await waitFor(() => expect(within(form).getByRole<HTMLButtonElement>('button', { name: 'Record decision: Ban account' }).disabled).toBe(false));

    fireEvent.click(within(form).getByRole('button', { name: 'Record decision: Ban account' }));
    const done = await screen.findByRole('heading', { name: 'Decision recorded: Ban account' });
    const section = done.closest('section') as HTMLElement;
    expect(section.textContent).toContain('The platform will be told by a signed webhook');
    const stored = await server.call<{ case: { status: string }; decisions: { action: string; statementOfReasons: Record<string, unknown> }[] }>('GET', `/v1/cases/${caseId}`, server.keys.admin);
    expect(stored.body.case.status).toBe('decided');
    expect(stored.body.decisions[0]?.action).toBe('ban');
    // What was stored is what the moderator saw, apart from the decision id the preview could not know.
    expect({ ...stored.body.decisions[0]?.statementOfReasons, puid: 'preview' }).toEqual(current);
    expect(section.querySelector('[data-field="puid"] dd')?.textContent).toBe(String(stored.body.decisions[0]?.statementOfReasons.puid));
    // The form is gone: the case is decided.
    await waitFor(() => expect(screen.queryByRole('group', { name: 'Action' })).toBeNull());
  });
});
