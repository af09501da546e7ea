import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Caller } from '../../access/index.ts';
import { can } from '../../access/roles.ts';
import { auditAs } from '../../audit/index.ts';
import type { Database } from '../../db/database.ts';
import type { Schema } from '../../db/schema.ts';
import { batchRecords } from '../../importing/batch-source.ts';
import { DetectedColumnsSchema, ImportJobSchema, OrderSchema } from '../../importing/import-contract.ts';
import { type ImportStats, importRecords } from '../../importing/import-service.ts';
import type { ImportLang } from '../../importing/index.ts';
import {
  IDENTITY_FIELDS,
  IMPORT_KINDS,
  type ImportKind,
  KIND_FIELDS,
  minorDigits,
} from '../../importing/index.ts';
import { type KnownEventWriter, normalizeEventBatch } from '../../importing/known-events.ts';
import { getOrder } from '../../orders/index.ts';
import { InvalidInputError, NotFoundError } from '../../shared/errors.ts';
import { assertSafeInput } from '../../shared/safe-input.ts';
import { callerOf } from '../auth.ts';
import type { ApiContext } from '../context.ts';
import { TooLargeError } from '../errors.ts';
import type { ImportJobs } from '../import-jobs.ts';
import { CSV_RESPONSE, ERRORS, iso } from '../schemas.ts';

/** zh-CN when the caller's first language is Chinese (Accept-Language: zh-CN,zh;q=0.9,…), else en. */
export function langOf(acceptLanguage: string | undefined): ImportLang {
  const first = (acceptLanguage ?? '').split(',')[0]?.trim() ?? '';
  return /^zh(-(cn|hans|sg)\b.*)?$/i.test(first.split(';')[0] ?? '') ? 'zh-CN' : 'en';
}

const BatchQuery = z.object({
  lang: z
    .enum(['zh-CN', 'en'])
    .optional()
    .describe('language of the item errors (default: from Accept-Language, else English)'),
});

/** The language a batch's item errors are written in: `lang`, else Accept-Language. */
const batchLang = (request: { query: { lang?: ImportLang }; headers: { 'accept-language'?: string } }) =>
  request.query.lang ?? langOf(request.headers['accept-language']);

/** Most items one batch request may carry. */
export const MAX_BATCH = 1000;

const identityFields = Object.fromEntries(
  IDENTITY_FIELDS.map(([f]) => [f, z.string().min(1).optional()]),
) as Record<(typeof IDENTITY_FIELDS)[number][0], z.ZodOptional<z.ZodString>>;
const Minor = z
  .number()
  .int()
  .nonnegative()
  .max(Number.MAX_SAFE_INTEGER)
  .describe('minor units (fen, cents)');

const OrderItem = z
  .object({
    ...identityFields,
    order_id: z.string().min(1),
    ordered_at: z
      .string()
      .min(1)
      .describe('ISO 8601 with offset, or local "YYYY-MM-DD HH:mm:ss" in the workspace zone'),
    amount: Minor,
    refunded_amount: Minor.optional(),
    status: z.enum(['pending', 'paid', 'completed', 'cancelled', 'refunded']).optional(),
    currency: z.string().length(3).optional(),
    channel: z.string().optional(),
    store: z.string().optional(),
    coupon_code: z
      .string()
      .optional()
      .describe('a coupon code, or several separated by commas (stacking: see the coupon templates)'),
  })
  .strict();

const EventItem = z
  .object({
    ...identityFields,
    type: z.string().min(1).max(100),
    occurred_at: z.string().min(1),
    properties: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
  })
  .strict();

const BatchResult = z.object({
  accepted: z.number(),
  rejected: z.number(),
  inserted: z.number(),
  updated: z.number(),
  unchanged: z.number(),
  merged: z.number(),
  items: z.array(
    z.object({
      index: z.number(),
      status: z.enum(['accepted', 'rejected']),
      error: z.object({ field: z.string(), message: z.string() }).optional(),
    }),
  ),
});

/** Minor units as the decimal text the import pipeline reads (12345 fen → "123.45"). */
function minorText(minor: number, digits: number): string {
  if (digits === 0) return String(minor);
  const text = String(minor).padStart(digits + 1, '0');
  return `${text.slice(0, -digits)}.${text.slice(-digits)}`;
}

function batchResult(stats: ImportStats, count: number) {
  const errors = new Map(stats.errors.map((e) => [e.line, e]));
  return {
    accepted: count - stats.rejected,
    rejected: stats.rejected,
    inserted: stats.inserted,
    updated: stats.updated,
    unchanged: stats.unchanged,
    merged: stats.merged,
    items: Array.from({ length: count }, (_, index) => {
      const e = errors.get(index);
      return e
        ? { index, status: 'rejected' as const, error: { field: e.column, message: e.reason } }
        : { index, status: 'accepted' as const };
    }),
  };
}

function checkBatch(items: readonly unknown[]) {
  if (items.length > MAX_BATCH)
    throw new TooLargeError(`a batch holds at most ${MAX_BATCH} items (got ${items.length})`);
}

async function ingest(
  store: Database,
  caller: Caller,
  kind: ImportKind,
  rows: Record<string, unknown>[],
  lang: ImportLang,
  fields: readonly string[] = KIND_FIELDS[kind].fields,
  events?: KnownEventWriter,
) {
  const layout = () => batchRecords(fields, rows);
  const audit = (db: Kysely<Schema>, stats: ImportStats) =>
    auditAs(db, caller, {
      action: `${kind}.ingest`,
      objectType: kind,
      detail: {
        items: rows.length,
        rejected: stats.rejected,
        inserted: stats.inserted,
        updated: stats.updated,
      },
    });
  if (kind === 'events' && events) {
    const rows = await normalizeEventBatch(caller.workspace, layout());
    const fast = rows && (await events.write(caller.workspace, rows, audit));
    if (fast) return batchResult(fast, rows.length);
  }
  const stats = await importRecords(store, {
    kind,
    workspace: caller.workspace,
    ...layout(),
    label: `api:${kind}`,
    lang,
  });
  await audit(store.db, stats);
  return batchResult(stats, rows.length);
}

/** Orders and events pushed in batches, and file imports uploaded for background loading. */
export const ingestRoutes: FastifyPluginAsyncZod<ApiContext> = async (app, { store, jobs, events }) => {
  app.post(
    '/orders',
    {
      config: { permission: 'data.write', itemErrors: true },
      schema: {
        tags: ['orders'],
        summary: `Upsert up to ${MAX_BATCH} orders; each item is accepted or rejected with the field at fault`,
        querystring: BatchQuery,
        body: z.object({ items: z.array(OrderItem).min(1) }).strict(),
        response: { 200: BatchResult, ...ERRORS, 413: ERRORS[400] },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const { items } = request.body;
      checkBatch(items);
      const rows = items.map((o) => {
        const digits = minorDigits(o.currency ?? caller.workspace.currency);
        return {
          ...o,
          amount: minorText(o.amount, digits),
          refunded_amount: o.refunded_amount === undefined ? undefined : minorText(o.refunded_amount, digits),
        };
      });
      return ingest(store, caller, 'orders', rows, batchLang(request));
    },
  );

  app.get(
    '/orders/:orderId',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['orders'],
        summary: 'One order with its lines',
        params: z.object({ orderId: z.string().min(1) }),
        response: { 200: OrderSchema, ...ERRORS },
      },
    },
    async (request) => {
      const order = await getOrder(store.db, callerOf(request).workspace.id, request.params.orderId);
      return {
        ...order,
        ordered_at: iso(order.ordered_at),
        created_at: iso(order.created_at),
        updated_at: iso(order.updated_at),
      };
    },
  );

  app.post(
    '/events',
    {
      config: { permission: 'data.write', itemErrors: true },
      schema: {
        tags: ['events'],
        summary: `Ingest up to ${MAX_BATCH} events; the same event sent twice is kept once`,
        querystring: BatchQuery,
        body: z.object({ items: z.array(EventItem).min(1) }).strict(),
        response: { 200: BatchResult, ...ERRORS, 413: ERRORS[400] },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const { items } = request.body;
      checkBatch(items);
      // Properties travel as one JSON column so their types survive.
      return ingest(
        store,
        caller,
        'events',
        items,
        batchLang(request),
        [...KIND_FIELDS.events.fields, 'properties'],
        events,
      );
    },
  );

  const JobParams = z.object({ importId: z.uuid() });
  const presentJob = (job: NonNullable<ReturnType<ImportJobs['get']>>) => ({
    id: job.id,
    kind: job.kind,
    file_name: job.fileName,
    status: job.status,
    progress: {
      rows: job.progress.rows,
      bytes_read: job.progress.bytesRead,
      total_bytes: job.progress.totalBytes,
      phase: job.progress.phase,
      rows_saved: job.progress.saved ?? 0,
    },
    stats: job.stats ?? null,
    segments: job.segments ?? null,
    error: job.error ?? null,
    started_at: iso(job.startedAt),
    finished_at: job.finishedAt ? iso(job.finishedAt) : null,
  });

  app.post(
    '/imports',
    {
      config: { permission: 'data.write' },
      schema: {
        tags: ['imports'],
        summary: 'Upload a CSV/TSV/XLSX file (multipart field "file") to import in the background',
        consumes: ['multipart/form-data'],
        querystring: z.object({
          kind: z.enum(IMPORT_KINDS as [ImportKind, ...ImportKind[]]),
          encoding: z.string().optional(),
          strict: z.stringbool().optional(),
          dry_run: z.stringbool().optional(),
          refresh_segments: z
            .stringbool()
            .optional()
            .describe('bring saved segments up to date in the import, as `retain import` does'),
          map: z.string().optional().describe('JSON object field → column header'),
          lang: z
            .enum(['zh-CN', 'en'])
            .optional()
            .describe('language of the row errors and rejects file (default: from Accept-Language)'),
        }),
        response: { 202: ImportJobSchema, ...ERRORS, 413: ERRORS[400] },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const file = await request.file();
      if (!file) throw new InvalidInputError('body: send the file as multipart field "file"');
      let map: Record<string, string> | undefined;
      if (request.query.map) {
        let parsed: unknown;
        try {
          parsed = JSON.parse(request.query.map);
        } catch {
          throw new InvalidInputError('querystring.map: must be a JSON object of field → column header');
        }
        // zod's record drops a "__proto__" key silently: refuse it (and NUL, deep nesting) by name.
        assertSafeInput(parsed, 'querystring.map');
        const checked = z.record(z.string(), z.string()).safeParse(parsed);
        if (!checked.success)
          throw new InvalidInputError('querystring.map: must be a JSON object of field → column header');
        map = checked.data;
      }
      const path = jobs.uploadPath();
      await pipeline(file.file, createWriteStream(path));
      if (file.file.truncated) throw new TooLargeError('the file is larger than the upload limit');
      const job = jobs.start(caller.workspace, caller.actor, {
        kind: request.query.kind,
        path,
        fileName: file.filename || `upload.csv`,
        map,
        encoding: request.query.encoding,
        strict: request.query.strict,
        dryRun: request.query.dry_run,
        refreshSegments: request.query.refresh_segments,
        lang: request.query.lang ?? langOf(request.headers['accept-language']),
      });
      return reply.code(202).send(presentJob(job));
    },
  );

  app.post(
    '/imports/columns',
    {
      config: { permission: 'data.write' },
      schema: {
        tags: ['imports'],
        summary:
          'The columns a file would be read with (multipart field "file"; its first rows are enough for CSV): the platform export it was recognised as, each field and the column detected for it (a recognised platform\'s saved mapping first), and a sample row',
        consumes: ['multipart/form-data'],
        querystring: z.object({
          kind: z.enum(IMPORT_KINDS as [ImportKind, ...ImportKind[]]),
          encoding: z.string().optional(),
        }),
        response: { 200: DetectedColumnsSchema, ...ERRORS, 413: ERRORS[400] },
      },
    },
    async (request) => {
      const file = await request.file();
      if (!file) throw new InvalidInputError('body: send the file as multipart field "file"');
      const path = jobs.uploadPath();
      await pipeline(file.file, createWriteStream(path));
      if (file.file.truncated) throw new TooLargeError('the file is larger than the upload limit');
      return jobs.detect(
        callerOf(request).workspace.id,
        path,
        file.filename || 'upload.csv',
        request.query.kind,
        request.query.encoding,
      );
    },
  );

  app.get(
    '/imports/:importId',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['imports'],
        summary: 'Progress and result of an import',
        params: JobParams,
        response: { 200: ImportJobSchema, ...ERRORS },
      },
    },
    async (request) => {
      const job = jobs.get(callerOf(request).workspace.id, request.params.importId);
      if (!job) throw new NotFoundError(`import ${request.params.importId} not found`);
      return presentJob(job);
    },
  );

  app.get(
    '/imports/:importId/rejects',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['imports'],
        summary: 'Rejected rows as CSV, with line and reason',
        params: JobParams,
        response: { 200: CSV_RESPONSE, ...ERRORS },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const job = jobs.get(caller.workspace.id, request.params.importId);
      if (!job) throw new NotFoundError(`import ${request.params.importId} not found`);
      if (job.status === 'running') throw new NotFoundError(`import ${job.id} is still running`);
      // Phones, emails, WeChat ids and names only for roles that may see personal data.
      const file = can(caller.role, 'pii') ? job.rejectsFile : job.maskedRejectsFile;
      if (!existsSync(file))
        return reply
          .type('text/csv; charset=utf-8')
          .send(job.lang === 'zh-CN' ? '行号,原因\n' : 'line,reason\n');
      reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="rejects-${job.id}.csv"`);
      // A stream is piped as it is (no serializer); the schema only documents the file.
      return reply.send(createReadStream(file) as unknown as string);
    },
  );
};
