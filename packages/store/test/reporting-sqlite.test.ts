import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrateToLatest, openDatabase } from '../src/connect.js';
import { SafeguardStore } from '../src/store.js';
import { runReportingStoreContract } from './reporting-contract.js';

runReportingStoreContract('sqlite (file)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sg-reporting-'));
  const handle = openDatabase(join(dir, 'test.sqlite'));
  await migrateToLatest(handle);
  return {
    store: SafeguardStore.fromHandle(handle),
    db: handle.db,
    cleanup: async () => {
      await handle.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
