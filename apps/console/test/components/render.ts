/** Renders the whole console (router, session, pages) at a path, talking to a real server. */
import { createElement as h } from 'react';
import { configure, render, type RenderResult } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { App } from '../../src/App';
import { KEY_STORAGE, SessionProvider } from '../../src/session';
import type { ConsoleTestServer } from './support';

// The real server answers in-process, but test files run in parallel: allow for a loaded machine.
configure({ asyncUtilTimeout: 8000 });

export function renderConsole(server: ConsoleTestServer, path: string, signedInWith?: string): RenderResult {
  sessionStorage.clear();
  localStorage.clear();
  if (signedInWith) sessionStorage.setItem(KEY_STORAGE, signedInWith);
  return render(h(MemoryRouter, { initialEntries: [path] }, h(SessionProvider, { fetchImpl: server.fetch }, h(App))));
}
