import pg from 'pg';
import { ClientGoneError, currentRequestScope, type RequestScope } from './request-scope.ts';

/**
 * Connections of a PostgreSQL pool that follow the request scope: each takes the statement
 * timeout of the request it serves (none outside requests: worker, CLI, import jobs), and the
 * backends a request holds are known, so its statements can be cancelled when its client leaves.
 */
export function scopedPool(pool: pg.Pool, config: pg.PoolConfig) {
  // The statement_timeout each connection has now, so it is set only when it changes.
  const timeouts = new WeakMap<pg.PoolClient, number>();

  const connect = async (): Promise<pg.PoolClient> => {
    const scope = currentRequestScope();
    if (scope?.aborted) throw new ClientGoneError();
    const client = await pool.connect();
    const wanted = Math.max(0, Math.trunc(scope?.statementTimeoutMs ?? 0));
    try {
      if ((timeouts.get(client) ?? 0) !== wanted) {
        await client.query(`set statement_timeout = ${wanted}`);
        timeouts.set(client, wanted);
      }
    } catch (error) {
      client.release(error as Error);
      throw error;
    }
    if (!scope) return client;
    const pid = (client as unknown as { processID: number }).processID;
    scope.backends.add(pid);
    const release = client.release.bind(client);
    let released = false;
    client.release = ((error?: Error | boolean) => {
      if (released) return;
      released = true;
      scope.backends.delete(pid);
      // A cancel in flight could still reach this backend: pass it on only once the cancel is done.
      if (scope.cancelling) void scope.cancelling.finally(() => release(error));
      else release(error);
    }) as pg.PoolClient['release'];
    return client;
  };

  /** Cancels the statements a request's connections are running (its client went away). */
  const cancel = async (scope: RequestScope): Promise<void> => {
    scope.aborted = true;
    const pids = [...scope.backends];
    if (pids.length === 0) return;
    scope.cancelling = (async () => {
      // A connection of its own: the pool may be full of exactly the work to cancel.
      const client = new pg.Client({ ...config, statement_timeout: undefined });
      try {
        await client.connect();
        await client.query('select pg_cancel_backend(pid) from unnest($1::int[]) pid', [pids]);
      } catch {
        // The backend may have finished already; nothing else to do for a client that is gone.
      } finally {
        await client.end().catch(() => {});
      }
    })();
    await scope.cancelling;
  };

  return { connect, cancel, end: () => pool.end() };
}
