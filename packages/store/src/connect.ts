/**
 * Opening the database: SQLite (embedded default, better-sqlite3) or PostgreSQL (pg), chosen by URL.
 *   postgres://… or postgresql://…   PostgreSQL; `?schema=name` puts every table in that schema
 *   sqlite:/path/to/file.sqlite       SQLite file (created with its directory when missing)
 *   :memory:                          SQLite in memory (tests)
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import SQLiteDatabase from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import { migrationProvider } from './migrations.js';
import type { Database } from './schema.js';

export type Dialect = 'sqlite' | 'postgres';

/** Prepared statements on the embedded SQLite connection (for bulk writes, see `SafeguardStore.insertRows`). */
export interface SqliteStatements {
  prepare(source: string): SQLiteDatabase.Statement;
}

export interface DatabaseHandle {
  readonly db: Kysely<Database>;
  readonly dialect: Dialect;
  /** SQLite only: the connection's statement cache. */
  readonly sqlite?: SqliteStatements;
  /** A description without credentials, safe to log. */
  readonly description: string;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** Postgres pool size (default 10). */
  readonly poolSize?: number;
}

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'postgres://(unparseable)';
  }
}

/** Turns 64-bit integers and numerics into JS numbers: counts and epoch-ms values fit in 2^53. */
const pgTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary'): (value: string) => unknown {
    if (oid === 20 || oid === 1700) return (value: string) => Number(value);
    return format === 'binary'
      ? (pg.types.getTypeParser(oid, 'binary') as (value: string) => unknown)
      : (pg.types.getTypeParser(oid, 'text') as (value: string) => unknown);
  },
};

export function openDatabase(url: string, options: OpenOptions = {}): DatabaseHandle {
  if (isPostgresUrl(url)) {
    const parsed = new URL(url);
    const schema = parsed.searchParams.get('schema');
    parsed.searchParams.delete('schema');
    if (schema !== null && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
      throw new Error(`invalid schema name "${schema}" in database URL`);
    }
    const pool = new pg.Pool({
      connectionString: parsed.toString(),
      max: options.poolSize ?? 10,
      types: pgTypes,
      ...(schema ? { options: `-c search_path=${schema}` } : {}),
    });
    // An idle client's error (server restart) must not crash the process; the pool replaces it.
    pool.on('error', () => undefined);
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return {
      db,
      dialect: 'postgres',
      description: redactUrl(url),
      close: () => db.destroy(),
    };
  }
  const path = url.replace(/^sqlite:(\/\/)?/i, '');
  const file = path === ':memory:' ? ':memory:' : resolve(path);
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const sqlite = new SQLiteDatabase(file);
  sqlite.pragma('journal_mode = WAL');
  // FULL: a committed (acknowledged) write survives power loss, not only a process crash.
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('busy_timeout = 5000');
  // Checkpoint the WAL every ~40 MB instead of ~4 MB: hot pages (conversation state, counters) are
  // rewritten by every batch, and fewer checkpoints copy each of them back fewer times.
  sqlite.pragma('wal_autocheckpoint = 10000');
  sqlite.pragma('foreign_keys = ON');
  // SQLite's default page cache is 2 MB: once the message index outgrows it, every idempotency
  // look-up and insert misses and goes to the OS. 64 MB keeps the hot B-tree pages in memory.
  sqlite.pragma('cache_size = -65536');
  sqlite.pragma('temp_store = MEMORY');
  const statements = withStatementCache(sqlite);
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: statements }) });
  return { db, dialect: 'sqlite', sqlite: statements, description: `sqlite:${file}`, close: () => db.destroy() };
}

/**
 * Kysely prepares every query anew; on the hot paths (decisions, message ingestion) preparing costs
 * more than running. Statements are reusable, and SQLite runs one query at a time on this
 * connection, so prepared statements are cached by their SQL text (bounded).
 */
function withStatementCache(sqlite: SQLiteDatabase.Database, max = 2000): SQLiteDatabase.Database {
  const cache = new Map<string, SQLiteDatabase.Statement>();
  const cached = {
    prepare(source: string): SQLiteDatabase.Statement {
      let statement = cache.get(source);
      if (!statement) {
        statement = sqlite.prepare(source);
        if (cache.size >= max) {
          const oldest = cache.keys().next();
          if (!oldest.done) cache.delete(oldest.value);
        }
        cache.set(source, statement);
      }
      return statement;
    },
    close(): SQLiteDatabase.Database {
      cache.clear();
      return sqlite.close();
    },
  };
  return cached as unknown as SQLiteDatabase.Database;
}

export interface MigrationReport {
  readonly applied: readonly string[];
}

/** Brings the schema up to date. Creates the Postgres schema named in the URL when missing. */
export async function migrateToLatest(handle: DatabaseHandle, schema?: string | null): Promise<MigrationReport> {
  if (handle.dialect === 'postgres' && schema) {
    await sql`create schema if not exists ${sql.id(schema)}`.execute(handle.db);
  }
  const migrator = new Migrator({
    db: handle.db,
    provider: migrationProvider,
    // Migrations from parallel work may land with lower numbers than ones already applied.
    allowUnorderedMigrations: true,
    ...(handle.dialect === 'postgres' && schema ? { migrationTableSchema: schema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`migration ${failed} failed: ${error instanceof Error ? error.message : JSON.stringify(error)}`);
  }
  return { applied: (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName) };
}

export function schemaOf(url: string): string | null {
  if (!isPostgresUrl(url)) return null;
  return new URL(url).searchParams.get('schema');
}
