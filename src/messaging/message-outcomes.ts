import { type Kysely, sql } from 'kysely';
import type { Schema } from '../db/schema.ts';

/** What an outcome may change besides status and reason: the channel chosen, retries. */
export interface OutcomeFields {
  channel?: string;
  template?: string;
  purpose?: string;
  provider_id?: string | null;
  due_at?: Date;
  attempts?: number;
  /** The survey whose link a sent template carried through `survey_link` (counted as sent for it). */
  survey_id?: number;
}

/** What became of one claimed message. */
export interface Outcome extends OutcomeFields {
  id: number;
  status: 'sent' | 'failed' | 'skipped' | 'queued';
  reason: string | null;
}

/**
 * The `{survey_id}` a sent message's variables gain, made here: on Citus an UPDATE may call no
 * STABLE function such as `jsonb_build_object` inside CASE or COALESCE, so the statement only
 * concatenates (immutable) what it is given.
 */
const surveyPatch = (x: Outcome) =>
  x.survey_id === undefined ? null : JSON.stringify({ survey_id: x.survey_id });

/**
 * Writes a delivery round's outcomes behind its sends, many per statement: with the round's next
 * claim ({@link flush}), once `group` are waiting, or a second after the first of them, so a round
 * costs about one write per claimed batch — a statement costs a few milliseconds on the embedded
 * store, more than a send, and a timer alone (50 ms before) wrote a handful at a time when the
 * machine was busy (692 writes for 6,000 messages). (A PGlite query also blocks the event loop,
 * so writing at once would find only the outcome that asked for it.) A failed write is kept and
 * thrown by {@link close}. A worker that dies leaves the unwritten ones `sending`, to be
 * recovered (and sent again, counted) like those in flight: about a batch at most.
 */
export class OutcomeWriter {
  private pending: Outcome[] = [];
  private writing: Promise<void> | null = null;
  private timer: NodeJS.Timeout | undefined;
  private error: unknown;

  constructor(
    private readonly db: Kysely<Schema>,
    private readonly ws: number,
    private readonly now: Date,
    private readonly group: number,
    /** Told which messages' outcomes are written (their leases need no more renewing). */
    private readonly written: (ids: number[]) => void,
  ) {}

  /** Records an outcome; it is written with the others that finish about the same time. */
  add(outcome: Outcome): void {
    this.pending.push(outcome);
    if (this.pending.length >= this.group) void this.flush();
    else
      this.timer ??= setTimeout(() => {
        this.timer = undefined;
        void this.flush();
      }, 1000);
  }

  /** Writes everything recorded; throws the first failed write. */
  async close(): Promise<void> {
    clearTimeout(this.timer);
    while (this.writing || this.pending.length) await this.flush();
    if (this.error) throw this.error;
  }

  /** Writes what is waiting now (a round calls it with each claim); never rejects. */
  flush(): Promise<void> {
    if (!this.pending.length && !this.writing) return Promise.resolve();
    this.writing ??= this.writeAll()
      .catch((error) => {
        this.error ??= error;
      })
      .finally(() => {
        this.writing = null;
      });
    return this.writing;
  }

  private async writeAll(): Promise<void> {
    while (this.pending.length) {
      const o = this.pending;
      this.pending = [];
      // The next outcome starts a new wait.
      clearTimeout(this.timer);
      this.timer = undefined;
      const col = <T>(f: (x: Outcome) => T) => o.map(f);
      await sql`update messages m set status = u.status, reason = u.reason,
          sent_at = case when u.status = 'sent' then ${this.now}::timestamptz end,
          channel = coalesce(u.channel, m.channel), template = coalesce(u.template, m.template),
          purpose = coalesce(u.purpose, m.purpose), provider_id = coalesce(u.provider_id, m.provider_id),
          due_at = coalesce(u.due_at, m.due_at), attempts = coalesce(u.attempts, m.attempts),
          variables = case when u.patch is null then m.variables else coalesce(m.variables, '{}'::jsonb) || u.patch end
        from unnest(${col((x) => x.id)}::bigint[], ${col((x) => x.status)}::text[], ${col((x) => x.reason)}::text[],
          ${col((x) => x.channel ?? null)}::text[], ${col((x) => x.template ?? null)}::text[], ${col((x) => x.purpose ?? null)}::text[],
          ${col((x) => x.provider_id ?? null)}::text[], ${col((x) => x.due_at?.toISOString() ?? null)}::timestamptz[], ${col((x) => x.attempts ?? null)}::int[],
          ${col(surveyPatch)}::jsonb[])
          as u(id, status, reason, channel, template, purpose, provider_id, due_at, attempts, patch)
        where m.workspace_id = ${this.ws} and m.id = u.id`.execute(this.db);
      this.written(o.map((x) => x.id));
    }
  }
}
