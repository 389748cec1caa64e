/**
 * A live SLA countdown. The server measures the remaining time at its own `now` (so a moderator's
 * wrong clock cannot hide a breach); the console counts down from when the answer arrived.
 * role="timer" is not announced on every tick; the accessible text says due or overdue in words.
 */
import type { ReactNode } from 'react';
import type { Sla } from '../api/types';
import { formatDateTime, formatDuration } from '../format';
import { useNow } from '../hooks';

export function remainingAt(sla: Sla, loadedAt: number, now: number): number {
  return sla.remainingMs - Math.max(0, now - loadedAt);
}

export function SlaCountdown(props: { sla: Sla; loadedAt: number; decided?: boolean }): ReactNode {
  const now = useNow(1000);
  const { sla, loadedAt } = props;
  if (props.decided) {
    return (
      <span className={`sla ${sla.breached ? 'sla-breached' : 'sla-ok'}`}>
        {sla.breached ? `Decided ${formatDuration(sla.remainingMs)} late` : 'Decided within SLA'}
      </span>
    );
  }
  const remaining = remainingAt(sla, loadedAt, now);
  const breached = remaining <= 0;
  const urgent = !breached && remaining < 15 * 60_000;
  const text = breached ? `Overdue by ${formatDuration(remaining)}` : `${formatDuration(remaining)} left`;
  return (
    <time
      role="timer"
      dateTime={sla.dueAt}
      className={`sla ${breached ? 'sla-breached' : urgent ? 'sla-urgent' : 'sla-ok'}`}
      title={`SLA due ${formatDateTime(sla.dueAt)}`}
    >
      {breached ? <span aria-hidden="true">⚠ </span> : null}
      {text}
    </time>
  );
}
