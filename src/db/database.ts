import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import {
  CompiledQuery,
  Kysely,
  PostgresDialect,
  SqliteDialect,
  SqliteDriver,
  sql,
  type DatabaseConnection,
  type Driver,
  type SqliteDialectConfig,
} from 'kysely';
import pg from 'pg';
import { DatabaseConfigError } from './errors.js';
import type { Database } from './schema.js';

export type DatabaseConfig =
  | {
      engine: 'sqlite';
      /** Path of the database file; its folder is created if missing. */
      path: string;
      /** How long a writer waits for another process's write lock before SQLITE_BUSY. */
      busyTimeoutMs?: number;
    }
  | {
      engine: 'postgres';
      connectionString: string;
      /** Schema to create and use tables in (tests use one per file); default: the server's. */
      searchPath?: string;
      maxConnections?: number;
      /** Shown in pg_stat_activity (default "aiqc"): operators see which connections are aiqc's. */
      applicationName?: string;
    };

/**
 * What the engine can do, for the few places the two engines differ. Code branches on these,
 * never on the engine's name (Kysely's own adapters do the same with `supportsReturning`…).
 */
export interface DatabaseCapabilities {
  /**
   * Row locks that other transactions can skip (`FOR UPDATE SKIP LOCKED`). Without them a claim
   * relies on the whole-database write lock of an immediate transaction (SQLite).
   */
  readonly skipLocked: boolean;
  /** How an integer primary key gets its values: SQL identity column, or SQLite's rowid alias. */
  readonly autoIncrement: 'identity' | 'rowid-alias';
  /** `pg_notify`/`LISTEN` exists: enqueue can wake idle workers at once (they still poll). */
  readonly notify: boolean;
}

export type Unlisten = () => Promise<void>;

export interface Db {
  readonly kysely: Kysely<Database>;
  readonly capabilities: DatabaseCapabilities;
  /** Where the data lives, safe to log (no password). */
  readonly description: string;
  /**
   * The PostgreSQL schema the connection's search_path names, when one was set. The migrator
   * must be told it: Kysely decides whether its own bookkeeping tables exist by looking in
   * every schema, so another schema's tables would otherwise count as ours.
   */
  readonly schema?: string;
  /**
   * Subscribe to notifications on a channel; only where `capabilities.notify`. `onError` hears
   * when the listening connection fails later (server restart, network): notifications stop
   * until the caller listens again.
   */
  readonly listen?: (channel: string, onNotify: (payload: string) => void, onError?: (error: Error) => void) => Promise<Unlisten>;
  /** Throws when the database cannot answer a trivial query. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /**
   * Errors that happen outside any query: an idle pooled connection dropped by the server. They
   * do not fail a request (the next query checks out a fresh connection), but they say the
   * database went away, so they are reported here (default: a process warning on stderr).
   */
  onBackgroundError?: (error: Error) => void;
}

export async function openDatabase(config: DatabaseConfig, options: OpenDatabaseOptions = {}): Promise<Db> {
  return config.engine === 'sqlite' ? openSqlite(config) : openPostgres(config, options.onBackgroundError ?? warnOnStderr);
}

function warnOnStderr(error: Error): void {
  process.emitWarning(`database connection error: ${error.message}`, { code: 'AIQC_DB_BACKGROUND_ERROR' });
}

/** Open, run `fn`, always close. */
export async function withDatabase<T>(config: DatabaseConfig, fn: (db: Db) => Promise<T>): Promise<T> {
  const db = await openDatabase(config);
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

/**
 * Kysely's SQLite driver opens transactions with a plain (deferred) BEGIN; a deferred
 * transaction that reads and then writes can fail with SQLITE_BUSY when another process wrote
 * in between, which busy_timeout cannot fix. BEGIN IMMEDIATE takes the write lock up front, so
 * a claim (or any read-then-write transaction) is atomic across processes.
 */
class ImmediateTransactionSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

class ImmediateTransactionSqliteDialect extends SqliteDialect {
  readonly #driverConfig: SqliteDialectConfig;
  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#driverConfig = config;
  }
  override createDriver(): Driver {
    return new ImmediateTransactionSqliteDriver(this.#driverConfig);
  }
}

function openSqlite(config: Extract<DatabaseConfig, { engine: 'sqlite' }>): Db {
  const path = resolve(config.path);
  let handle: BetterSqlite3.Database;
  try {
    mkdirSync(dirname(path), { recursive: true });
    handle = new BetterSqlite3(path);
    handle.pragma('journal_mode = WAL');
    handle.pragma(`busy_timeout = ${Math.max(0, Math.floor(config.busyTimeoutMs ?? 5000))}`);
    // WAL + NORMAL is durable across process crashes (only an OS crash can lose the last commit).
    handle.pragma('synchronous = NORMAL');
    handle.pragma('foreign_keys = ON');
  } catch (cause) {
    throw new DatabaseConfigError(
      `Cannot open the SQLite database at ${path}: ${(cause as Error).message}. Check that AIQC_DATA_DIR points at a writable folder.`,
      { cause },
    );
  }
  const kysely = new Kysely<Database>({ dialect: new ImmediateTransactionSqliteDialect({ database: handle }) });
  return {
    kysely,
    capabilities: { skipLocked: false, autoIncrement: 'rowid-alias', notify: false },
    description: `sqlite:${path}`,
    async ping() {
      await sql`select 1`.execute(kysely);
    },
    async close() {
      await kysely.destroy();
      if (handle.open) handle.close();
    },
  };
}

function int8AsNumber(oid: number, format?: 'text' | 'binary'): (value: string) => unknown {
  // int8 (20) carries epoch-ms times and count(*); every value we store fits in a double.
  if (oid === 20) return (value: string) => Number(value);
  return pg.types.getTypeParser(oid, format ?? 'text') as (value: string) => unknown;
}

function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

export function redactConnectionString(connectionString: string): string {
  try {
    const url = new URL(connectionString);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return 'postgres://(unparseable URL)';
  }
}

function openPostgres(config: Extract<DatabaseConfig, { engine: 'postgres' }>, onBackgroundError: (error: Error) => void): Db {
  const options = config.searchPath ? `-c search_path=${quoteIdentifier(config.searchPath)}` : undefined;
  const poolConfig: pg.PoolConfig = {
    connectionString: config.connectionString,
    max: config.maxConnections ?? 10,
    types: { getTypeParser: int8AsNumber } as pg.CustomTypesConfig,
    connectionTimeoutMillis: 10_000,
    application_name: config.applicationName ?? 'aiqc',
    ...(options ? { options } : {}),
  };
  const pool = new pg.Pool(poolConfig);
  // An idle client dropped by the server (restart, network) must not crash the process (an
  // unhandled 'error' event would); the next query checks out a fresh connection. Report it.
  pool.on('error', (error) => onBackgroundError(error));
  const kysely = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  const description = redactConnectionString(config.connectionString);
  return {
    kysely,
    capabilities: { skipLocked: true, autoIncrement: 'identity', notify: true },
    description,
    ...(config.searchPath ? { schema: config.searchPath } : {}),
    async listen(channel, onNotify, onError) {
      const client = new pg.Client(poolConfig);
      let ended = false;
      // After connect, a failure of this connection silently ends the notifications: say so.
      client.on('error', (error) => {
        if (!ended) (onError ?? onBackgroundError)(error);
      });
      await client.connect();
      client.on('notification', (message) => {
        if (message.channel === channel) onNotify(message.payload ?? '');
      });
      try {
        await client.query(`LISTEN ${quoteIdentifier(channel)}`);
      } catch (error) {
        ended = true;
        await client.end().catch(() => {});
        throw error;
      }
      return async () => {
        ended = true;
        // Ending a connection that already failed rejects; that failure was reported above.
        await client.end().catch(() => {});
      };
    },
    async ping() {
      await sql`select 1`.execute(kysely);
    },
    async close() {
      await kysely.destroy();
    },
  };
}
