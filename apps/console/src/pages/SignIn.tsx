/** Sign in with an API key (checked against GET /v1/me; kept in sessionStorage only). */
import { useId, useState, type FormEvent, type ReactNode } from 'react';
import { useLocation, useNavigate } from 'react-router';
import { ErrorNotice, Page } from '../components/Common';
import { useSession } from '../session';

export function SignIn(): ReactNode {
  const { signIn } = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const id = useId();
  const [key, setKey] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const session = await signIn(key);
      setKey('');
      const from = (location.state as { from?: string } | null)?.from;
      void navigate(from && from !== '/sign-in' ? from : session.me.role === 'regulator' ? '/regulator' : '/queue', { replace: true });
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Page title="Sign in">
      <form className="card sign-in" onSubmit={(e) => void submit(e)}>
        <div className="field">
          <label htmlFor={`${id}-key`}>API key</label>
          <input
            id={`${id}-key`}
            name="api-key"
            type="password"
            autoComplete="off"
            spellCheck={false}
            required
            value={key}
            onChange={(e) => setKey(e.target.value)}
            aria-describedby={`${id}-hint`}
            aria-invalid={error ? true : undefined}
          />
          <span id={`${id}-hint`} className="hint">
            A moderator, admin or regulator key (sgk_…) from your Safeguard administrator. It is kept in this browser tab only and forgotten when
            you close it or sign out.
          </span>
        </div>
        {error ? <ErrorNotice error={error} /> : null}
        <button type="submit" className="primary" disabled={busy || key.trim() === ''}>
          {busy ? 'Checking…' : 'Sign in'}
        </button>
      </form>
    </Page>
  );
}
