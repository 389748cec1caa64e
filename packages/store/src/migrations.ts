/**
 * Schema migrations, run by Kysely's Migrator at start-up and by `safeguard migrate`. One file per
 * migration in ./migrations, listed here in order. Migrations are compiled in (no directory
 * scanning) and must work on both SQLite and PostgreSQL. Never edit one that has shipped: add one.
 */
import type { Migration, MigrationProvider } from 'kysely';
import { initialSchema } from './migrations/0001-initial.js';
import { casesSchema } from './migrations/0002-cases.js';
import { detectionSchema } from './migrations/0003-detection.js';
import { mediaSchema } from './migrations/0004-media.js';
import { regulatorSchema } from './migrations/0005-regulator.js';

/** Ordered by name: Kysely's Migrator runs them in key order. Add new migrations at the end. */
export const MIGRATIONS: Readonly<Record<string, Migration>> = {
  '0001_initial': initialSchema,
  '0002_cases': casesSchema,
  '0003_detection': detectionSchema,
  '0004_media': mediaSchema,
  '0005_regulator': regulatorSchema,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: () => Promise.resolve({ ...MIGRATIONS }),
};
