import { describe, it } from 'vitest';
import { checkPostgres, freshPostgresSchema } from '../../../test-support/postgres.js';
import { migrateToLatest, openDatabase } from '../src/connect.js';
import { SafeguardStore } from '../src/store.js';
import { runReportingStoreContract } from './reporting-contract.js';

if (await checkPostgres('PostgreSQL regulator store contract tests')) {
  runReportingStoreContract('postgres', async () => {
    const schema = freshPostgresSchema('sg_reporting');
    const handle = openDatabase(schema.url);
    await migrateToLatest(handle, schema.schema);
    return {
      store: SafeguardStore.fromHandle(handle),
      db: handle.db,
      cleanup: async () => {
        await handle.close();
        await schema.drop();
      },
    };
  });
} else {
  describe.skip('regulator store contract: postgres (PostgreSQL not reachable)', () => {
    it('skipped', () => undefined);
  });
}
