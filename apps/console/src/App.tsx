/**
 * The console's frame and routes. Signed-out visitors see the sign-in page; moderators and admins
 * get the queue, appeals and dashboard; regulators get the regulator pages. Navigation shows only
 * what the key's permissions allow (GET /v1/me lists them; the server enforces them anyway).
 * A skip link, landmarks and a focused page heading make every page keyboard- and
 * screen-reader-usable.
 */
import { lazy, Suspense, type ReactNode } from 'react';
import { Navigate, NavLink, Route, Routes, useLocation } from 'react-router';
import { Loading } from './components/Common';
import { AppealView, AppealsQueue } from './pages/Appeals';
import { CaseView } from './pages/CaseView';
import { Queue } from './pages/Queue';
import { SignIn } from './pages/SignIn';
import { useSession } from './session';

// Chart pages carry ECharts: loaded on first visit only.
const Dashboard = lazy(() => import('./pages/Dashboard').then((m) => ({ default: m.Dashboard })));
const Regulator = lazy(() => import('./regulator/RegulatorPages').then((m) => ({ default: m.RegulatorPages })));

function RequireSession(props: { children: ReactNode; permission?: string }): ReactNode {
  const { session, restoring, signedOut, can } = useSession();
  const location = useLocation();
  if (restoring) return <Loading what="your session" />;
  // Come back here after signing in — unless this person signed out: the next one starts afresh.
  if (!session) return <Navigate to="/sign-in" replace state={signedOut ? null : { from: location.pathname + location.search }} />;
  if (props.permission && !can(props.permission)) {
    return (
      <div className="notice notice-error" role="alert">
        <p>Your {session.me.role} key does not allow this page.</p>
      </div>
    );
  }
  return props.children;
}

function Home(): ReactNode {
  const { session, restoring } = useSession();
  if (restoring) return <Loading what="your session" />;
  if (!session) return <Navigate to="/sign-in" replace />;
  return <Navigate to={session.me.role === 'regulator' ? '/regulator' : '/queue'} replace />;
}

function Nav(): ReactNode {
  const { session, can, signOut } = useSession();
  if (!session) return null;
  const moderation = can('cases:read');
  return (
    <>
      <nav aria-label="Main" className="main-nav">
        <ul>
          {moderation ? (
            <>
              <li>
                <NavLink to="/queue">Queue</NavLink>
              </li>
              <li>
                <NavLink to="/appeals">Appeals</NavLink>
              </li>
            </>
          ) : null}
          {can('cases:stats') && moderation ? (
            <li>
              <NavLink to="/dashboard">Dashboard</NavLink>
            </li>
          ) : null}
          {session.me.role === 'regulator' || session.me.role === 'admin' ? (
            <li>
              <NavLink to="/regulator">Regulator</NavLink>
            </li>
          ) : null}
        </ul>
      </nav>
      <div className="who">
        <span>
          <span className="visually-hidden">Signed in as </span>
          {session.me.role} · {session.me.tenant.name || session.me.tenant.id}
        </span>
        <button type="button" onClick={signOut}>
          Sign out
        </button>
      </div>
    </>
  );
}

export function App(): ReactNode {
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to main content
      </a>
      <header className="top-bar">
        <span className="brand">
          <span aria-hidden="true" className="brand-mark">
            ◆
          </span>{' '}
          Safeguard console
        </span>
        <Nav />
      </header>
      <main id="main" tabIndex={-1}>
        <Suspense fallback={<Loading what="the page" />}>
          <Routes>
            <Route path="/" element={<Home />} />
            <Route path="/sign-in" element={<SignIn />} />
            <Route
              path="/queue"
              element={
                <RequireSession permission="cases:read">
                  <Queue />
                </RequireSession>
              }
            />
            <Route
              path="/cases/:caseId"
              element={
                <RequireSession permission="cases:read">
                  <CaseView />
                </RequireSession>
              }
            />
            <Route
              path="/appeals"
              element={
                <RequireSession permission="cases:read">
                  <AppealsQueue />
                </RequireSession>
              }
            />
            <Route
              path="/appeals/:appealId"
              element={
                <RequireSession permission="cases:read">
                  <AppealView />
                </RequireSession>
              }
            />
            <Route
              path="/dashboard"
              element={
                <RequireSession permission="cases:stats">
                  <Dashboard />
                </RequireSession>
              }
            />
            <Route
              path="/regulator/*"
              element={
                <RequireSession>
                  <Regulator />
                </RequireSession>
              }
            />
            <Route path="*" element={<p role="alert">There is no such page in the console.</p>} />
          </Routes>
        </Suspense>
      </main>
    </>
  );
}
