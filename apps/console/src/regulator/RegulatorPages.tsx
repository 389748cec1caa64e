/**
 * The regulator's pages. A regulator key belongs to one tenant and sees only what that tenant
 * disclosed (the server enforces it and audits every read); to compare platforms side by side the
 * regulator adds the regulator keys other tenants issued, and every page then shows one column per
 * tenant: transparency figures and charts for a period, conformance results, and the breach
 * register with penalty caps. An admin sees the same pages for their own tenant.
 */
import { useId, useState, type FormEvent, type ReactNode } from 'react';
import { NavLink, Route, Routes } from 'react-router';
import { ErrorNotice } from '../components/Common';
import { useSession } from '../session';
import { BreachesPage } from './Breaches';
import { ConformancePage } from './Conformance';
import { useTenants } from './tenants';
import { TransparencyPage } from './Transparency';

function TenantBar(): ReactNode {
  const tenants = useTenants();
  const { addTenantKey, removeTenantKey, session } = useSession();
  const id = useId();
  const [key, setKey] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [added, setAdded] = useState<string | null>(null);

  const add = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setAdded(null);
    try {
      const t = await addTenantKey(key);
      setKey('');
      setAdded(t.me.tenant.name || t.me.tenant.id);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Tenants compared</h2>
      <ul className="plain tenant-list" aria-label="Tenants">
        {tenants.map((t) => (
          <li key={t.tenantId} className="tenant-chip">
            <span>
              {t.name}
              {t.primary ? <span className="muted small"> (signed in)</span> : null}
            </span>
            {t.primary ? null : (
              <button type="button" onClick={() => removeTenantKey(t.tenantId)} aria-label={`Stop comparing ${t.name}`}>
                Remove
              </button>
            )}
          </li>
        ))}
      </ul>
      {session?.me.role === 'regulator' ? (
        <form onSubmit={(e) => void add(e)}>
          <div className="field">
            <label htmlFor={`${id}-key`}>Add another tenant’s regulator key</label>
            <div className="inline-field">
              <input
                id={`${id}-key`}
                type="password"
                autoComplete="off"
                spellCheck={false}
                value={key}
                onChange={(e) => setKey(e.target.value)}
                aria-describedby={`${id}-hint`}
              />
              <button type="submit" disabled={busy || key.trim() === ''}>
                {busy ? 'Checking…' : 'Add tenant'}
              </button>
            </div>
            <span id={`${id}-hint`} className="hint">
              Each platform issues its own regulator key; you see only what that platform disclosed. Kept in this tab only.
            </span>
          </div>
        </form>
      ) : null}
      {added ? (
        <p role="status" className="notice notice-ok">
          Added {added}.
        </p>
      ) : null}
      {error ? <ErrorNotice error={error} /> : null}
    </section>
  );
}

export function RegulatorPages(): ReactNode {
  return (
    <>
      <nav aria-label="Regulator" className="sub-nav">
        <ul>
          <li>
            <NavLink to="/regulator" end>
              Transparency
            </NavLink>
          </li>
          <li>
            <NavLink to="/regulator/conformance">Conformance</NavLink>
          </li>
          <li>
            <NavLink to="/regulator/breaches">Breaches and penalties</NavLink>
          </li>
        </ul>
      </nav>
      <Routes>
        <Route index element={<TransparencyPage tenantBar={<TenantBar />} />} />
        <Route path="conformance" element={<ConformancePage tenantBar={<TenantBar />} />} />
        <Route path="breaches" element={<BreachesPage tenantBar={<TenantBar />} />} />
      </Routes>
    </>
  );
}
