import { PassThrough } from 'node:stream';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  createSegment,
  deleteSegment,
  exportSegmentMembers,
  findSegment,
  listSegments,
  parseCondition,
  previewSegment,
  refreshSegment,
  segmentMembers,
} from '../../segments/index.ts';
import {
  MembershipChangeSchema,
  SegmentMemberPage,
  SegmentPreviewSchema,
  SegmentSchema,
} from '../../segments/segment-contract.ts';
import { MEMBER_COLUMNS, writeMembers } from '../../segments/segment-export.ts';
import { callerOf } from '../auth.ts';
import type { ApiContext } from '../context.ts';
import { maskerFor } from '../present.ts';
import { DateText, ERRORS, FILE_RESPONSE, iso, NO_CONTENT, PageQuery } from '../schemas.ts';

const NameParams = z.object({ name: z.string().min(1).max(200) });
const ConditionBody = z.unknown().describe('a segment condition (see docs/segmentation.md)');

/** Saved segments: create, list, show, preview, members, refresh, export, delete. */
export const segmentRoutes: FastifyPluginAsyncZod<ApiContext> = async (app, { store }) => {
  const db = store.db;

  app.get(
    '/segments',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['segments'],
        summary: 'Saved segments with member counts',
        response: { 200: z.array(SegmentSchema), ...ERRORS },
      },
    },
    async (request) => {
      const rows = await listSegments(db, callerOf(request).workspace.id);
      return rows.map((r) => ({ ...r, refreshed_at: iso(r.refreshed_at) }));
    },
  );

  app.post(
    '/segments/preview',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['segments'],
        summary: 'Count and sample of the customers a condition matches',
        body: z
          .object({
            condition: ConditionBody,
            as_of: DateText.optional(),
            sample: z.number().int().min(0).max(100).optional(),
          })
          .strict(),
        response: { 200: SegmentPreviewSchema, ...ERRORS },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const condition = parseCondition(request.body.condition);
      const preview = await previewSegment(db, caller.workspace, condition, {
        asOf: request.body.as_of,
        sample: request.body.sample,
      });
      const mask = maskerFor(caller);
      return { count: preview.count, sample: preview.sample.map((c) => mask.row(c)) };
    },
  );

  app.post(
    '/segments',
    {
      config: { permission: 'segments.write' },
      schema: {
        tags: ['segments'],
        summary: 'Save a segment and compute its members',
        body: z.object({ name: z.string().min(1).max(200), condition: ConditionBody }).strict(),
        response: { 201: MembershipChangeSchema.extend({ name: z.string() }), ...ERRORS },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const { name, condition } = request.body;
      const result = await createSegment(db, caller.workspace, name, parseCondition(condition), {
        actor: caller.actor,
      });
      return reply.code(201).send({ name, ...result });
    },
  );

  app.get(
    '/segments/:name',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['segments'],
        summary: 'A segment’s definition and member count',
        params: NameParams,
        response: { 200: SegmentSchema, ...ERRORS },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const segment = await findSegment(db, caller.workspace.id, request.params.name);
      const row = (await listSegments(db, caller.workspace.id)).find((s) => s.name === segment.name)!;
      return {
        name: segment.name,
        definition: segment.definition,
        members: row.members,
        refreshed_at: iso(segment.refreshed_at),
      };
    },
  );

  app.get(
    '/segments/:name/members',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['segments'],
        summary: 'Members of a segment, paged',
        params: NameParams,
        querystring: PageQuery,
        response: { 200: SegmentMemberPage, ...ERRORS },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const { members } = await segmentMembers(db, caller.workspace.id, request.params.name);
      const start = request.query.cursor ? Number(request.query.cursor) : 0;
      const page = members.slice(start, start + request.query.limit);
      const mask = maskerFor(caller);
      const next = start + page.length < members.length ? String(start + page.length) : null;
      return { items: page.map((m) => mask.row(m)), next_cursor: next };
    },
  );

  app.post(
    '/segments/:name/refresh',
    {
      config: { permission: 'segments.write' },
      schema: {
        tags: ['segments'],
        summary: 'Re-evaluate membership now (writes enter/exit events)',
        params: NameParams,
        response: { 200: MembershipChangeSchema, ...ERRORS },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      return refreshSegment(db, caller.workspace, request.params.name, { actor: caller.actor });
    },
  );

  app.get(
    '/segments/:name/export',
    {
      config: { permission: 'export' },
      schema: {
        tags: ['segments'],
        summary: `Members as CSV or XLSX (${MEMBER_COLUMNS.join(', ')})`,
        params: NameParams,
        querystring: z.object({ format: z.enum(['csv', 'xlsx']).default('csv') }),
        response: { 200: FILE_RESPONSE, ...ERRORS },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const { name } = request.params;
      const { format } = request.query;
      const { members } = await exportSegmentMembers(db, caller.workspace.id, name, caller.actor, format);
      const mask = maskerFor(caller);
      const body = new PassThrough();
      void writeMembers(
        body,
        members.map((m) => mask.row(m)),
        format,
        name,
      ).catch((error) => body.destroy(error));
      const file = `segment-${encodeURIComponent(name)}.${format}`;
      reply
        .type(
          format === 'csv'
            ? 'text/csv; charset=utf-8'
            : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        )
        .header('content-disposition', `attachment; filename*=UTF-8''${file}`);
      // A stream is piped as it is (no serializer); the schema only documents the file.
      return reply.send(body as unknown as string);
    },
  );

  app.delete(
    '/segments/:name',
    {
      config: { permission: 'segments.write' },
      schema: {
        tags: ['segments'],
        summary: 'Delete a segment',
        params: NameParams,
        response: { 204: NO_CONTENT, ...ERRORS },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      await deleteSegment(db, caller.workspace.id, request.params.name, caller.actor);
      return reply.code(204).send(null);
    },
  );
};
