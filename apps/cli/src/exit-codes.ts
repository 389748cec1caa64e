/** Exit codes scripts can rely on. */
export const EXIT = {
  ok: 0,
  /** The command ran and found a problem (a failed check, a broken chain, a failing rule). */
  findings: 1,
  /** Bad usage or input: unknown option, unreadable or malformed file. */
  usage: 2,
  /** A dependency was unreachable (database, target server). */
  unavailable: 3,
  internal: 70,
} as const;
