import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Caller } from '../../access/index.ts';
import { maskText } from '../../access/pii-mask.ts';
import { can } from '../../access/roles.ts';
import { getUser } from '../../access/user-service.ts';
import { customerOwners } from '../../customers/customer-contacts.ts';
import { CustomerOwnerSchema } from '../../customers/customer-contract.ts';
import { requireCustomer } from '../../customers/index.ts';
import { addNote, type CustomerNote, listNotes, setNoteStatus } from '../../tasks/customer-notes.ts';
import { listTasks } from '../../tasks/index.ts';
import {
  ServiceRecordBody,
  ServiceRecordList,
  ServiceRecordSchema,
  ServiceRecordStatusBody,
} from '../../tasks/service-record-contract.ts';
import { callerOf } from '../auth.ts';
import type { ApiContext } from '../context.ts';
import { maskerFor } from '../present.ts';
import { CustomerParams, ERRORS, IdNumber, iso } from '../schemas.ts';
import { cursorText, TaskQuery, taskFilter } from './task-routes.ts';
import { presentTask, TaskSchema } from './task-schemas.ts';

/**
 * A service record as JSON. A summary is free text an agent typed or a ticket system exported, so
 * the phones and emails in it are masked for roles without personal data, as event properties are.
 */
function presentNote(n: CustomerNote, caller: Caller): z.infer<typeof ServiceRecordSchema> {
  return {
    ...n,
    summary: can(caller.role, 'pii') ? n.summary : maskText(n.summary),
    occurred_at: iso(n.occurred_at),
    created_at: iso(n.created_at),
  };
}

const NoteParams = CustomerParams.extend({ noteId: IdNumber() });

/** The service part of the 360° profile: owner, the customer's latest tasks and notes. */
export async function serviceSection(db: ApiContext['store']['db'], caller: Caller, customerId: number) {
  const ws = caller.workspace.id;
  const [owners, tasks, notes] = await Promise.all([
    customerOwners(db, ws, [customerId]),
    listTasks(db, ws, { customerId, limit: 20 }),
    listNotes(db, ws, customerId, 20),
  ]);
  const mask = maskerFor(caller);
  return {
    owner_user_id: owners.get(customerId) ?? null,
    tasks: tasks.items.map((t) => presentTask(t, mask)),
    notes: notes.map((n) => presentNote(n, caller)),
  };
}

/** Service history on a customer: records (note, call, visit, complaint, ticket) and the customer's tasks. */
export const customerServiceRoutes: FastifyPluginAsyncZod<ApiContext> = async (app, { store }) => {
  const db = store.db;

  app.get(
    '/customers/:customerId/owner',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['customers'],
        summary: 'The member who looks after a customer (专属客服/导购); set it with PATCH /customers/{id}',
        params: CustomerParams,
        response: { 200: CustomerOwnerSchema, ...ERRORS },
      },
    },
    async (request) => {
      const ws = callerOf(request).workspace.id;
      await requireCustomer(db, ws, request.params.customerId);
      const id = (await customerOwners(db, ws, [request.params.customerId])).get(request.params.customerId);
      if (id == null) return { owner: null };
      // An owner who has left the workspace is no owner: their tasks went back to the queue.
      const member = await getUser(db, ws, id).catch(() => undefined);
      return { owner: member ? { id: member.id, email: member.email, name: member.name } : null };
    },
  );

  app.get(
    '/customers/:customerId/tasks',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['tasks'],
        summary: "A customer's tasks, sorted by due time",
        params: CustomerParams,
        querystring: TaskQuery.omit({ customer_id: true }),
        response: {
          200: z.object({ items: z.array(TaskSchema), next_cursor: z.string().nullable() }),
          ...ERRORS,
        },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const { customerId } = request.params;
      await requireCustomer(db, caller.workspace.id, customerId);
      const filter = { ...taskFilter(caller, request.query), customerId };
      const page = await listTasks(db, caller.workspace.id, filter);
      const mask = maskerFor(caller);
      return { items: page.items.map((t) => presentTask(t, mask)), next_cursor: cursorText(page.next) };
    },
  );

  app.get(
    '/customers/:customerId/notes',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['tasks'],
        summary:
          "A customer's service records (notes, calls, visits, complaints, tickets), latest first by when they happened",
        params: CustomerParams,
        response: { 200: ServiceRecordList, ...ERRORS },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const notes = await listNotes(db, caller.workspace.id, request.params.customerId);
      return { items: notes.map((n) => presentNote(n, caller)) };
    },
  );

  app.post(
    '/customers/:customerId/notes',
    {
      config: { permission: 'tasks.write' },
      schema: {
        tags: ['tasks'],
        summary: 'Write a service record on a customer',
        params: CustomerParams,
        body: ServiceRecordBody,
        response: { 200: ServiceRecordSchema, ...ERRORS },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const note = await addNote(
        db,
        caller.workspace.id,
        caller.actor,
        request.params.customerId,
        request.body,
      );
      return presentNote(note, caller);
    },
  );

  app.patch(
    '/customers/:customerId/notes/:noteId',
    {
      config: { permission: 'tasks.write' },
      schema: {
        tags: ['tasks'],
        summary: "Change a service record's status (a ticket resolved or closed)",
        params: NoteParams,
        body: ServiceRecordStatusBody,
        response: { 200: ServiceRecordSchema, ...ERRORS },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const { customerId, noteId } = request.params;
      const note = await setNoteStatus(
        db,
        caller.workspace.id,
        caller.actor,
        customerId,
        noteId,
        request.body.status,
      );
      return presentNote(note, caller);
    },
  );
};
