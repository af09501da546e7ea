import { markApiKeyUsed, resolveApiKey } from '../access/api-key-service.ts';
import type { Caller } from '../access/index.ts';
import type { Database } from '../db/database.ts';

const TTL_MS = 10_000;
const MAX_ENTRIES = 10_000;

/**
 * Remembers which caller an API key stands for, for a few seconds, so a busy integration does
 * not pay a database lookup per request. Revoking through the API clears it at once; a key
 * revoked from the CLI stops working on a running server within {@link TTL_MS}.
 */
export class CallerCache {
  private readonly entries = new Map<string, { caller: Caller | undefined; at: number }>();

  constructor(private readonly store: Database) {}

  /** The caller behind an API key, or undefined when unknown or revoked. */
  async apiKey(key: string): Promise<Caller | undefined> {
    const hit = this.entries.get(key);
    if (hit && Date.now() - hit.at < TTL_MS) return hit.caller;
    const caller = await resolveApiKey(this.store.db, key);
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    // Unknown keys are not remembered: a flood of random keys must not fill the cache.
    if (caller) {
      this.entries.set(key, { caller, at: Date.now() });
      await markApiKeyUsed(this.store.db, caller);
    }
    return caller;
  }

  /** Forgets every key (after a revocation). */
  clear(): void {
    this.entries.clear();
  }
}
