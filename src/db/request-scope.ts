import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The database work of one HTTP request: its statement timeout, the server connections it holds
 * right now, and whether its client went away. Set by the API around each request and read by
 * the PostgreSQL pool when a connection is taken, so no query of a request needs to pass it along.
 */
export interface RequestScope {
  /** Longest a statement of this request may run, in ms; 0 for no limit. */
  readonly statementTimeoutMs: number;
  /** False once the response is sent: work the request left running (an import job) is unbounded. */
  active: boolean;
  /** Set when the client disconnected before its answer: no new statement starts. */
  aborted: boolean;
  /** Backend process ids of the connections the request holds now. */
  readonly backends: Set<number>;
  /** While the cancel of this request's statements is under way (connections wait for it). */
  cancelling?: Promise<void>;
}

const storage = new AsyncLocalStorage<RequestScope>();

/** A new scope for one request's database work. */
export function newRequestScope(statementTimeoutMs: number): RequestScope {
  return { statementTimeoutMs, active: true, aborted: false, backends: new Set() };
}

/** Runs `fn` (and everything it starts) as the database work of the scope's request. */
export function runInRequestScope<T>(scope: RequestScope, fn: () => T): T {
  return storage.run(scope, fn);
}

/**
 * Runs `fn` as work of no request, though a request starts it: a background job (an import)
 * outlives its request, so it gets no statement timeout and no cancel when that client leaves.
 */
export function outsideRequestScope<T>(fn: () => T): T {
  return storage.exit(fn);
}

/** The request whose work is running, if any and still answering. */
export function currentRequestScope(): RequestScope | undefined {
  const scope = storage.getStore();
  return scope?.active ? scope : undefined;
}

/** Raised when a request's client is gone: its remaining database work is not started. */
export class ClientGoneError extends Error {
  constructor() {
    super('the client closed the connection before the answer');
    this.name = 'ClientGoneError';
  }
}

/** The default statement timeout of API requests: RETAIN_STATEMENT_TIMEOUT_MS, else 30 s (0: none). */
export function statementTimeoutFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.RETAIN_STATEMENT_TIMEOUT_MS;
  if (raw === undefined || raw === '') return 30_000;
  if (!/^\d{1,9}$/.test(raw))
    throw new Error(
      `RETAIN_STATEMENT_TIMEOUT_MS must be a whole number of milliseconds (0 for none), not "${raw}"`,
    );
  return Number(raw);
}
