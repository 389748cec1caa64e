/**
 * @safeguard/store: the persistence adapter. One Kysely schema and one store implementation over
 * SQLite (embedded default) and PostgreSQL (scale-out), with migrations.
 */
export * from './connect.js';
export * from './keys.js';
export * from './migrations.js';
export * from './schema.js';
export * from './store.js';
export * from './cases-store.js';
export * from './detection-store.js';
export * from './regulator-store.js';
export * from './media-store.js';
