import { describe, it } from 'vitest';
import { checkPostgres, freshPostgresSchema } from '../../../test-support/postgres.js';
import { migrateToLatest, openDatabase } from '../src/connect.js';
import { SafeguardStore } from '../src/store.js';
import { runCaseStoreContract } from './cases-contract.js';

if (await checkPostgres('PostgreSQL case store contract tests')) {
  runCaseStoreContract('postgres', async () => {
    const schema = freshPostgresSchema('sg_cases');
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
  describe.skip('case store contract: postgres (PostgreSQL not reachable)', () => {
    it('skipped', () => undefined);
  });
}
