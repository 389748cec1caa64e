/**
 * Media in evidence, for moderator wellness: hidden behind a blurred, greyscale placeholder until
 * the moderator chooses to look. Revealing calls POST /v1/cases/:caseId/evidence/:evidenceId/reveal,
 * which records who revealed what in the tenant's audit log and only then returns the media
 * references — the console never has them before the click. Revealed images stay greyscale until
 * the moderator asks for colour, and can be hidden again at once (looking again is audited again).
 */
import { useState, type ReactNode } from 'react';
import type { ApiClient } from '../api/client';
import { plural } from '../format';
import { ErrorNotice } from './Common';

export function MediaPreview(props: { api: ApiClient; caseId: string; evidenceId: string; count: number }): ReactNode {
  const [media, setMedia] = useState<readonly string[] | null>(null);
  const [hidden, setHidden] = useState(true);
  const [colour, setColour] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const reveal = async (): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      const answer = await props.api.post<{ evidenceId: string; media: string[] }>(
        `/v1/cases/${encodeURIComponent(props.caseId)}/evidence/${encodeURIComponent(props.evidenceId)}/reveal`,
      );
      setMedia(answer.media);
      setHidden(false);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  if (hidden) {
    return (
      <div className="media media-hidden">
        <div className="media-placeholder" aria-hidden="true" />
        <p>
          {plural(props.count, 'media item')} hidden.{' '}
          <button type="button" onClick={() => void reveal()} disabled={busy}>
            {busy ? 'Revealing…' : `Reveal ${plural(props.count, 'media item')}`}
          </button>{' '}
          <span className="muted">Revealing is recorded in the audit log.</span>
        </p>
        {error ? <ErrorNotice error={error} /> : null}
      </div>
    );
  }

  return (
    <div className="media media-revealed">
      <ul className="media-list" aria-label="Revealed media">
        {(media ?? []).map((ref, i) => (
          <li key={`${i}-${ref}`}>
            {/^(https?:|data:image\/)/i.test(ref) ? (
              <img src={ref} alt={`Evidence media ${i + 1} of ${media?.length ?? 0}`} className={colour ? '' : 'greyscale'} referrerPolicy="no-referrer" />
            ) : (
              <code>{ref}</code>
            )}
          </li>
        ))}
      </ul>
      <div className="button-row">
        <button
          type="button"
          onClick={() => {
            // Forget the references: looking again is a new, audited reveal.
            setMedia(null);
            setColour(false);
            setHidden(true);
          }}
        >
          Hide media
        </button>
        <button type="button" aria-pressed={colour} onClick={() => setColour((c) => !c)}>
          {colour ? 'Show in greyscale' : 'Show in colour'}
        </button>
      </div>
    </div>
  );
}
