import type { Kysely } from 'kysely';
import { channelAdapter } from '../channels/channel-config.ts';
import type { ChannelAdapter, ChannelName } from '../channels/index.ts';
import type { Schema } from '../db/schema.ts';
import { NotFoundError } from '../shared/errors.ts';
import type { Candidate } from './send-guards.ts';
import { findTemplate } from './template-service.ts';
import { type TemplateSurveys, templateSurveys } from './template-surveys.ts';

/** The first promise made for a key, kept: each lookup runs once per round. */
function once<T>(memo: Map<string, Promise<T>>, key: string, load: () => Promise<T>): Promise<T> {
  let p = memo.get(key);
  if (!p) {
    p = load();
    // A failed lookup fails the messages that use it, not the round.
    p.catch(() => {});
    memo.set(key, p);
  }
  return p;
}

/** Adapters and templates looked up once per delivery round. */
export class RoundCache {
  private adapters = new Map<string, Promise<ChannelAdapter | null>>();
  private templates = new Map<string, ReturnType<typeof findTemplate>>();
  private surveys = new Map<string, Promise<TemplateSurveys>>();
  constructor(
    private db: Kysely<Schema>,
    private ws: number,
  ) {}
  /** The channel's adapter, or null when the channel is not set up. */
  adapter(channel: string): Promise<ChannelAdapter | null> {
    return once(this.adapters, channel, () =>
      channelAdapter(this.db, this.ws, channel as ChannelName).catch((e) => {
        if (e instanceof NotFoundError) return null;
        throw e;
      }),
    );
  }
  /** The whole template, to render. */
  template(name: string): ReturnType<typeof findTemplate> {
    return once(this.templates, name, () => findTemplate(this.db, this.ws, name));
  }
  /** The surveys the template's `survey_link` filters name (an unknown one fails its messages). */
  templateSurveys(name: string): Promise<TemplateSurveys> {
    return once(this.surveys, name, async () => templateSurveys(this.db, this.ws, await this.template(name)));
  }
  /** What the guards need to know of a template: its channel, purpose and what the channel needs. */
  async candidate(name: string): Promise<Candidate> {
    const t = await this.template(name);
    const adapter = await this.adapter(t.channel);
    return {
      template: t.name,
      channel: t.channel,
      purpose: t.purpose,
      needs: adapter?.needs ?? null,
      configured: !!adapter,
    };
  }
  /** Releases the adapters' pooled connections. */
  async close() {
    for (const a of this.adapters.values()) await (await a.catch(() => null))?.close?.();
  }
}
