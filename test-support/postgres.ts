/**
 * Access to the real PostgreSQL server for adapter tests. Tests run against it when it answers and
 * say clearly when they are skipped; with SAFEGUARD_REQUIRE_SERVICES=1 (set by .ci/run) a missing
 * server fails the run instead of skipping.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const POSTGRES_TEST_URL = process.env.SAFEGUARD_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const SERVICES_REQUIRED = process.env.SAFEGUARD_REQUIRE_SERVICES === '1';

let probe: Promise<boolean> | undefined;

/** Whether PostgreSQL answers at POSTGRES_TEST_URL (probed once per test file). */
export function postgresAvailable(): Promise<boolean> {
  probe ??= (async () => {
    const client = new pg.Client({ connectionString: POSTGRES_TEST_URL, connectionTimeoutMillis: 2000 });
    try {
      await client.connect();
      await client.query('select 1');
      return true;
    } catch {
      return false;
    } finally {
      await client.end().catch(() => undefined);
    }
  })();
  return probe;
}

/** Resolves to whether to run; logs the skip, or throws when services are required. */
export async function checkPostgres(what: string): Promise<boolean> {
  if (await postgresAvailable()) return true;
  const message = `PostgreSQL not reachable at ${POSTGRES_TEST_URL}: ${what} SKIPPED`;
  if (SERVICES_REQUIRED) throw new Error(`${message} (SAFEGUARD_REQUIRE_SERVICES=1 requires it)`);
  console.warn(`\n*** ${message} ***\n`);
  return false;
}

/** A URL that puts every table in a fresh schema, and a function that drops it. */
export function freshPostgresSchema(prefix = 'sg_test'): { url: string; schema: string; drop: () => Promise<void> } {
  const schema = `${prefix}_${randomBytes(6).toString('hex')}`;
  const url = new URL(POSTGRES_TEST_URL);
  url.searchParams.set('schema', schema);
  return {
    url: url.toString(),
    schema,
    drop: async () => {
      const client = new pg.Client({ connectionString: POSTGRES_TEST_URL });
      await client.connect();
      try {
        await client.query(`drop schema if exists "${schema}" cascade`);
      } finally {
        await client.end();
      }
    },
  };
}
