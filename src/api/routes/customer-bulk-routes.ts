import { PassThrough } from 'node:stream';
import { stringify } from 'csv-stringify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { auditAs } from '../../audit/index.ts';
import { searchCustomers } from '../../customers/customer-search.ts';
import { tagCustomers } from '../../customers/tag-service.ts';
import { safeRow } from '../../shared/csv-safe.ts';
import { callerOf } from '../auth.ts';
import type { ApiContext } from '../context.ts';
import { maskerFor } from '../present.ts';
import { CSV_RESPONSE, ERRORS, IdValue } from '../schemas.ts';
import { ListQuery, listFilters } from './customer-routes.ts';

const COLUMNS = [
  'id',
  'external_id',
  'name',
  'phone',
  'email',
  'city',
  'member_tier',
  'order_count',
  'net_total',
  'first_order_date',
  'last_order_date',
] as const;
const PAGE = 5_000;

/** The customer list as a file, and tagging many customers at once. */
export const customerBulkRoutes: FastifyPluginAsyncZod<ApiContext> = async (app, { store }) => {
  const db = store.db;

  app.get(
    '/customers/export',
    {
      config: { permission: 'export' },
      schema: {
        tags: ['customers'],
        summary: `The filtered customer list as CSV (${COLUMNS.join(', ')}); personal data masked by role`,
        querystring: ListQuery.omit({ cursor: true, limit: true }),
        response: { 200: CSV_RESPONSE, ...ERRORS },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const filters = await listFilters(db, caller, request.query);
      const mask = maskerFor(caller);
      await auditAs(db, caller, {
        action: 'customer.export_list',
        objectType: 'customer',
        detail: { filters: request.query },
      });
      const out = new PassThrough();
      const csv = stringify({ bom: true, header: true, columns: [...COLUMNS] });
      csv.pipe(out);
      void (async () => {
        let after: number | undefined;
        do {
          const page = await searchCustomers(db, caller.workspace.id, {
            q: request.query.q,
            filters,
            after,
            limit: PAGE,
          });
          for (const row of page.items)
            if (!csv.write(safeRow(mask.row(row)))) await new Promise((r) => csv.once('drain', r));
          after = page.nextCursor === null ? undefined : Number(page.nextCursor);
        } while (after !== undefined);
        csv.end();
      })().catch((error) => out.destroy(error));
      return (
        reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', 'attachment; filename="customers.csv"')
          // A stream is piped as it is (no serializer); the schema only documents the file.
          .send(out as unknown as string)
      );
    },
  );

  app.post(
    '/customers/tags',
    {
      config: { permission: 'customers.write' },
      schema: {
        tags: ['customers'],
        summary: 'Tag many customers at once (ids of other workspaces are ignored)',
        body: z
          .object({
            tag: z.string().min(1).max(64),
            customer_ids: z.array(IdValue).min(1).max(10_000),
          })
          .strict(),
        response: { 200: z.object({ added: z.number() }), ...ERRORS },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const { tag, customer_ids } = request.body;
      const added = await tagCustomers(db, caller.workspace.id, caller.actor, tag, customer_ids);
      return { added };
    },
  );
};
