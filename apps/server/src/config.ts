/**
 * Configuration from environment variables, overridable by CLI flags. One place defines every
 * variable, its default and its meaning; the README table is generated from the same list.
 */
import { join, resolve } from 'node:path';

export interface SafeguardConfig {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  readonly databaseUrl: string;
  readonly logLevel: string;
  /** Scale-out: NATS JetStream URL; absent means messages are processed inline (embedded). */
  readonly busUrl: string | undefined;
  /** Hours that message text is kept in conversations with no alert and no report. */
  readonly textRetentionHours: number;
  /** Whether the database URL was defaulted (embedded SQLite under the data directory). */
  readonly embedded: boolean;
}

export interface ConfigVariable {
  readonly env: string;
  readonly flag: string;
  readonly defaultValue: string;
  readonly description: string;
}

export const CONFIG_VARIABLES: readonly ConfigVariable[] = [
  { env: 'PORT', flag: '--port', defaultValue: '8080', description: 'HTTP port' },
  {
    env: 'HOST',
    flag: '--host',
    defaultValue: '127.0.0.1',
    description: 'Interface to listen on (0.0.0.0 to accept connections from other machines)',
  },
  {
    env: 'SAFEGUARD_DATA_DIR',
    flag: '--data-dir',
    defaultValue: './data',
    description: 'Directory for the embedded SQLite database and the demo key file',
  },
  {
    env: 'SAFEGUARD_DATABASE_URL',
    flag: '--database-url',
    defaultValue: 'sqlite:<data dir>/safeguard.sqlite',
    description: 'postgres://user@host:5432/db (optionally ?schema=name) for PostgreSQL, or sqlite:/path/file.sqlite',
  },
  { env: 'SAFEGUARD_LOG_LEVEL', flag: '--log-level', defaultValue: 'info', description: 'trace, debug, info, warn, error or silent' },
  {
    env: 'SAFEGUARD_TEXT_RETENTION_HOURS',
    flag: '(env only)',
    defaultValue: '72',
    description: 'Hours message text is kept in conversations with no alert and no report (then only metadata and features remain)',
  },
  {
    env: 'SAFEGUARD_BUS_URL',
    flag: '--bus-url',
    defaultValue: '(none: messages are processed inline)',
    description: 'nats://host:4222 for scale-out: API nodes publish messages, `safeguard worker` processes them',
  },
];

export interface ConfigOverrides {
  readonly port?: string | number | undefined;
  readonly host?: string | undefined;
  readonly dataDir?: string | undefined;
  readonly databaseUrl?: string | undefined;
  readonly logLevel?: string | undefined;
  readonly busUrl?: string | undefined;
}

export function loadConfig(overrides: ConfigOverrides = {}, env: NodeJS.ProcessEnv = process.env): SafeguardConfig {
  const rawPort = overrides.port ?? env.PORT ?? '8080';
  const port = Number(rawPort);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`PORT must be an integer between 0 and 65535, got "${String(rawPort)}"`);
  }
  const dataDir = resolve(overrides.dataDir ?? env.SAFEGUARD_DATA_DIR ?? './data');
  const explicitUrl = overrides.databaseUrl ?? env.SAFEGUARD_DATABASE_URL;
  const databaseUrl = explicitUrl && explicitUrl.length > 0 ? explicitUrl : `sqlite:${join(dataDir, 'safeguard.sqlite')}`;
  const logLevel = overrides.logLevel ?? env.SAFEGUARD_LOG_LEVEL ?? 'info';
  if (!['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'].includes(logLevel)) {
    throw new Error(`SAFEGUARD_LOG_LEVEL must be trace, debug, info, warn, error, fatal or silent, got "${logLevel}"`);
  }
  const busUrl = overrides.busUrl ?? env.SAFEGUARD_BUS_URL;
  const textRetentionHours = Number(env.SAFEGUARD_TEXT_RETENTION_HOURS ?? '72');
  if (!Number.isFinite(textRetentionHours) || textRetentionHours < 0) {
    throw new Error(`SAFEGUARD_TEXT_RETENTION_HOURS must be a number of hours >= 0, got "${env.SAFEGUARD_TEXT_RETENTION_HOURS ?? ''}"`);
  }
  return {
    port,
    busUrl: busUrl && busUrl.length > 0 ? busUrl : undefined,
    textRetentionHours,
    host: overrides.host ?? env.HOST ?? '127.0.0.1',
    dataDir,
    databaseUrl,
    logLevel,
    embedded: !(explicitUrl && explicitUrl.length > 0),
  };
}
