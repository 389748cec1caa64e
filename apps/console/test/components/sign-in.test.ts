// @vitest-environment jsdom
/**
 * Signing in: the key is checked against the real server's GET /v1/me, kept in sessionStorage only
 * (never localStorage), platform and unknown keys are refused with a clear message, and signing
 * out forgets the key. The navigation follows the key's role.
 */
import { cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { KEY_STORAGE } from '../../src/session';
import { renderConsole } from './render';
import { startConsoleTestServer, unlabelledControls, type ConsoleTestServer } from './support';

let server: ConsoleTestServer;

beforeAll(async () => {
  server = await startConsoleTestServer();
});
afterAll(async () => server.close());
afterEach(cleanup);

async function signIn(key: string): Promise<void> {
  const input = await screen.findByLabelText('API key');
  fireEvent.change(input, { target: { value: key } });
  fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
}

describe('sign in', () => {
  it('sends a signed-out visitor to the sign-in page, whose controls are labelled', async () => {
    const view = renderConsole(server, '/queue');
    expect(await screen.findByRole('heading', { level: 1, name: 'Sign in' })).toBeTruthy();
    expect(unlabelledControls(view.container)).toEqual([]);
    expect(screen.getByLabelText<HTMLInputElement>('API key').type).toBe('password');
  });

  it('refuses an unknown key and a platform key, storing nothing', async () => {
    renderConsole(server, '/sign-in');
    await signIn('sgk_aaaaaaaaaaaaaaaa_not-a-real-secret');
    expect((await screen.findByRole('alert')).textContent).toContain('That key was not accepted');
    await signIn(server.keys.platform);
    expect((await screen.findByText(/This is a platform key/)).textContent).toContain('moderator, admin or regulator key');
    expect(sessionStorage.getItem(KEY_STORAGE)).toBeNull();
  });

  it('signs a moderator in to the queue, keeps the key in sessionStorage only, and signs out', async () => {
    renderConsole(server, '/queue');
    await signIn(server.keys.moderator);
    expect(await screen.findByRole('heading', { level: 1, name: 'Moderation queue' })).toBeTruthy();
    expect(sessionStorage.getItem(KEY_STORAGE)).toBe(server.keys.moderator);
    expect(Object.keys({ ...localStorage })).toEqual([]);
    const nav = screen.getByRole('navigation', { name: 'Main' });
    expect(within(nav).getAllByRole('link').map((a) => a.textContent)).toEqual(['Queue', 'Appeals', 'Dashboard']);
    fireEvent.click(screen.getByRole('button', { name: 'Sign out' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Sign in' })).toBeTruthy();
    expect(sessionStorage.getItem(KEY_STORAGE)).toBeNull();
  });

  it('restores a session from sessionStorage after a reload, re-checking the key', async () => {
    renderConsole(server, '/appeals', server.keys.moderator);
    expect(await screen.findByRole('heading', { level: 1, name: 'Appeals' })).toBeTruthy();
  });

  it('sends a regulator to the regulator pages, without the moderation queue', async () => {
    renderConsole(server, '/sign-in');
    await signIn(server.keys.regulator);
    const nav = await screen.findByRole('navigation', { name: 'Main' });
    expect(within(nav).getAllByRole('link').map((a) => a.textContent)).toEqual(['Regulator']);
  });
});
