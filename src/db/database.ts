import { mkdirSync } from 'node:fs';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { PGlite } from '@electric-sql/pglite';
import {
  CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  Kysely,
  type LogEvent,
  PostgresDialect,
  type QueryResult,
  sql,
} from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { DatabaseUnavailableError } from '../shared/errors.ts';
import { type CopyFormat, copyStatement } from './copy-statement.ts';
import { lockDataDir } from './data-dir-lock.ts';
import { migrateToLatest } from './migrate.ts';
import { copyInFromBuffers } from './pglite-copy-in.ts';
import { copyOutToBuffer } from './pglite-copy-out.ts';
import type { RequestScope } from './request-scope.ts';
import type { Schema } from './schema.ts';
import { scopedPool } from './scoped-pool.ts';

/** With RETAIN_LOG_SQL=1, each statement's duration and first line go to stderr (never parameters). */
const log = process.env.RETAIN_LOG_SQL
  ? (event: LogEvent) => {
      if (event.level === 'query' || event.level === 'error') {
        const text = event.query.sql.replace(/\s+/g, ' ').trim().slice(0, 120);
        process.stderr.write(`sql ${event.queryDurationMillis.toFixed(1)}ms ${text}\n`);
      }
    }
  : undefined;

const INT8 = 20;
const NUMERIC = 1700;
const DATE = 1082;
const TEXT_ARRAY = 1009;
const DATE_ARRAY = 1182;

export type { CopyFormat };

const encoder = new TextEncoder();

/** One database connection held for a unit of work, able to bulk-load with COPY. */
export interface Session {
  readonly db: Kysely<Schema>;
  /** Loads COPY data (text, CSV, or binary as bytes) into `table (columns)`. */
  copyIn(
    table: string,
    columns: readonly string[],
    data: string | readonly Uint8Array[],
    format?: CopyFormat,
  ): Promise<void>;
  /** The rows of a parameterless query in COPY's text format, inside this session's transaction. */
  copyOut(query: string): Promise<string>;
  /** The rows of a parameterless query in COPY's binary format, inside this session's transaction. */
  copyOutBinary(query: string): Promise<Uint8Array>;
  /**
   * Lets other work in between, outside a transaction only: on PGlite (one connection) the session
   * hands the connection to whoever waits for it and takes it back; on a server it yields the
   * event loop. Session-private state (temp tables) survives.
   */
  breathe(): Promise<void>;
}

/** An open store: PGlite in a directory (or memory) or a PostgreSQL server. */
export interface Database {
  readonly kind: 'pglite' | 'postgres';
  readonly db: Kysely<Schema>;
  /** Runs `fn` on one connection (needed for COPY and multi-statement transactions). */
  withSession<T>(fn: (session: Session) => Promise<T>): Promise<T>;
  /**
   * The rows of a parameterless query in COPY's text format (tab-separated, `\N` for null):
   * several times faster than reading a million rows as objects.
   */
  copyOut(query: string): Promise<string>;
  /** The rows of a parameterless query in COPY's binary format (one call, no per-row parsing). */
  copyOutBinary(query: string): Promise<Uint8Array>;
  /** Stops a request's statements (its client went away); PGlite runs one statement at a time and cannot. */
  cancelRequest(scope: RequestScope): Promise<void>;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** `postgres://…`; when absent the embedded PGlite store is used. */
  url?: string;
  /** PGlite data directory; `memory://` (or undefined with no url) for an in-memory store. */
  dataDir?: string;
  /** PostgreSQL schema to use (created if missing); lets test runs share one server. */
  schema?: string;
  /** A PGlite data-directory dump to start from (tests use one to skip initdb). */
  loadDataDir?: Blob;
}

/**
 * Opens the store and brings its schema up to date.
 *
 * @example
 * const store = await openDatabase({ url: process.env.DATABASE_URL, dataDir: './.retain' });
 */
export async function openDatabase(options: OpenOptions): Promise<Database> {
  const store = options.url ? await openPostgres(options.url, options.schema) : await openPglite(options);
  try {
    await migrateToLatest(
      store.db as Kysely<unknown>,
      options.url ? (options.schema ?? (await currentSchema(store.db))) : undefined,
    );
  } catch (error) {
    await store.close();
    throw error;
  }
  return store;
}

/**
 * The schema the connection's search path names first: migrations name it explicitly (Kysely would
 * otherwise find another schema's migration tables on the same server).
 */
async function currentSchema(db: Kysely<Schema>): Promise<string | undefined> {
  const row = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db);
  return row.rows[0]?.schema ?? undefined;
}

async function openPglite(options: OpenOptions): Promise<Database> {
  const dir = options.dataDir && options.dataDir !== 'memory://' ? options.dataDir : undefined;
  if (dir) mkdirSync(dir, { recursive: true });
  const release = dir ? lockDataDir(dir) : () => {};
  // Options go in one object: `new PGlite(undefined, options)` silently ignores them.
  const pglite = new PGlite({
    dataDir: dir,
    parsers: { [INT8]: (v: string) => Number(v), [DATE]: (v: string) => v, [NUMERIC]: (v: string) => v },
    loadDataDir: options.loadDataDir,
  });
  try {
    await pglite.waitReady;
  } catch (error) {
    release();
    throw error;
  }
  const db = new Kysely<Schema>({ dialect: new PGliteDialect(pglite), log });
  const copyInBuffers = copyInFromBuffers(pglite);
  const copyIn = (
    table: string,
    columns: readonly string[],
    data: string | readonly Uint8Array[],
    format: CopyFormat = 'text',
  ) => copyInBuffers(table, columns, typeof data === 'string' ? [encoder.encode(data)] : data, format);
  const copyOutBlob = async (query: string, format: CopyFormat) => {
    const result = await pglite.query(`copy (${query}) to '/dev/blob' with (format ${format})`);
    return result.blob;
  };
  const copyOut = async (query: string) => (await (await copyOutBlob(query, 'text'))?.text()) ?? '';
  const copyOutBuffer = copyOutToBuffer(pglite);
  const copyOutBinary = (query: string) => copyOutBuffer(query, 'binary');

  // Statements of a session that holds the connection go straight to PGlite (never queue behind it).
  const direct = new Kysely<Schema>({ dialect: directDialect(pglite), log });
  return {
    kind: 'pglite',
    db,
    // PGlite has a single session: holding Kysely's one connection keeps other work out meanwhile.
    withSession: async (fn) => {
      let hold = await holdConnection(db);
      const breathe = async () => {
        await hold.release();
        // PGlite answers without a turn of the event loop: wait one, or requests that arrived
        // meanwhile are never read (a loop of statements would starve the server).
        await nextTurn();
        hold = await holdConnection(db);
      };
      try {
        return await fn({ db: direct, copyIn, copyOut, copyOutBinary, breathe });
      } finally {
        await hold.release();
      }
    },
    copyOut: (query) => db.connection().execute(() => copyOut(query)),
    copyOutBinary: (query) => db.connection().execute(() => copyOutBinary(query)),
    cancelRequest: async (scope) => {
      scope.aborted = true;
    },
    close: async () => {
      await db.destroy();
      release();
    },
  };
}

/** Kysely's one PGlite connection, taken in turn with every other user of it until released. */
async function holdConnection(db: Kysely<Schema>): Promise<{ release: () => Promise<void> }> {
  let release!: () => void;
  let took!: () => void;
  const taken = new Promise<void>((resolve) => {
    took = resolve;
  });
  const held = db.connection().execute(async () => {
    took();
    await new Promise<void>((resolve) => {
      release = resolve;
    });
  });
  await taken;
  return {
    release: async () => {
      release();
      await held;
    },
  };
}

/** A dialect running every statement on PGlite at once, for sessions that already hold the connection. */
function directDialect(pglite: PGlite): Dialect {
  const connection: DatabaseConnection = {
    async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
      const result = await pglite.query<R>(query.sql, [...query.parameters]);
      return result.affectedRows
        ? { rows: result.rows, numAffectedRows: BigInt(result.affectedRows) }
        : { rows: result.rows };
    },
    streamQuery: () => {
      throw new Error('streaming is not supported on PGlite');
    },
  };
  const base = new PGliteDialect(pglite);
  return {
    createAdapter: () => base.createAdapter(),
    createQueryCompiler: () => base.createQueryCompiler(),
    createIntrospector: (kysely) => base.createIntrospector(kysely),
    createDriver: () => ({
      init: async () => {},
      acquireConnection: async () => connection,
      beginTransaction: async (conn) => {
        await conn.executeQuery(CompiledQuery.raw('begin'));
      },
      commitTransaction: async (conn) => {
        await conn.executeQuery(CompiledQuery.raw('commit'));
      },
      rollbackTransaction: async (conn) => {
        await conn.executeQuery(CompiledQuery.raw('rollback'));
      },
      releaseConnection: async () => {},
      destroy: async () => {},
    }),
  };
}

/** The bytes of a COPY … TO STDOUT on a server connection. */
async function copyOutClient(client: pg.PoolClient, query: string, format: CopyFormat): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const stream = client.query(copyTo(`copy (${query}) to stdout with (format ${format})`));
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The same on a connection of its own from the pool. */
async function copyOutPostgres(
  pool: { connect(): Promise<pg.PoolClient> },
  query: string,
  format: CopyFormat,
): Promise<Buffer> {
  const client = await pool.connect();
  try {
    return await copyOutClient(client, query, format);
  } finally {
    client.release();
  }
}

const pgTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8) return (v: string) => Number(v);
    if (oid === DATE || oid === NUMERIC) return (v: string) => v;
    if (oid === DATE_ARRAY) return pg.types.getTypeParser(TEXT_ARRAY as never, 'text');
    return pg.types.getTypeParser(oid, format ?? 'text');
  },
} as typeof pg.types;

async function openPostgres(url: string, schema?: string): Promise<Database> {
  const config: pg.PoolConfig = {
    connectionString: url,
    types: pgTypes,
    max: 10,
    connectionTimeoutMillis: 10_000,
    // Names the store's own connections (journeys' safe watermark looks only at those).
    application_name: schema ? `retain/${schema}` : 'retain',
  };
  if (schema) {
    if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`invalid schema name ${schema}`);
    config.options = `-c search_path=${schema}`;
  }
  const pool = new pg.Pool(config);
  pool.on('error', () => {});
  try {
    const client = await pool.connect();
    try {
      if (schema) await client.query(`create schema if not exists ${schema}`);
    } finally {
      client.release();
    }
  } catch (error) {
    await pool.end().catch(() => {});
    throw new DatabaseUnavailableError(redactUrl(url), (error as Error).message);
  }
  // Every connection, Kysely's and the sessions', is taken through the request scope.
  const scoped = scopedPool(pool, config);
  const db = new Kysely<Schema>({
    dialect: new PostgresDialect({ pool: scoped as unknown as pg.Pool }),
    log,
  });
  return {
    kind: 'postgres',
    db,
    async withSession(fn) {
      const client = await scoped.connect();
      // A Kysely bound to this one client, so COPY and queries share a transaction.
      const single = new Kysely<Schema>({
        log,
        dialect: new PostgresDialect({
          pool: {
            connect: async () =>
              ({ query: client.query.bind(client), release() {} }) as unknown as pg.PoolClient,
            end: async () => {},
          },
        }),
      });
      const copyIn = (
        table: string,
        columns: readonly string[],
        data: string | readonly Uint8Array[],
        format: CopyFormat = 'text',
      ) =>
        new Promise<void>((resolve, reject) => {
          const stream = client.query(
            copyFrom(`${copyStatement(table, columns, format)} from stdin with (format ${format})`),
          );
          stream.on('error', reject);
          stream.on('finish', () => resolve());
          if (typeof data === 'string') stream.end(data);
          else {
            for (const part of data) stream.write(part);
            stream.end();
          }
        });
      try {
        return await fn({
          db: single,
          copyIn,
          copyOut: async (query) => (await copyOutClient(client, query, 'text')).toString('utf8'),
          copyOutBinary: async (query) => copyOutClient(client, query, 'binary'),
          breathe: async () => {
            await nextTurn();
          },
        });
      } finally {
        client.release();
      }
    },
    copyOut: async (query) => (await copyOutPostgres(scoped, query, 'text')).toString('utf8'),
    copyOutBinary: (query) => copyOutPostgres(scoped, query, 'binary'),
    cancelRequest: scoped.cancel,
    close: () => db.destroy(),
  };
}

/** The URL without its password, for messages. */
/** The whole store, or just its Kysely: what code that is faster with COPY but works without takes. */
export type StoreOrKysely = Kysely<Schema> | Database;

/** The Kysely of either. */
export const kyselyOf = (store: StoreOrKysely): Kysely<Schema> => ('copyOut' in store ? store.db : store);

export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'the configured DATABASE_URL';
  }
}
