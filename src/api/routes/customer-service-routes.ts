import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Caller } from '../../access/caller.ts';
import { customerOwners } from '../../customers/customer-contacts.ts';
import { requireCustomer } from '../../customers/customer-profile.ts';
import { addNote, listNotes, NOTE_TYPES } from '../../tasks/customer-notes.ts';
import { listTasks } from '../../tasks/task-read.ts';
import { callerOf } from '../auth.ts';
import type { ApiContext } from '../context.ts';
import { maskerFor } from '../present.ts';
import { CustomerParams, ERRORS, iso } from '../schemas.ts';
import { cursorText, TaskQuery, taskFilter } from './task-routes.ts';
import { NoteSchema, presentTask, SafeText, TaskSchema } from './task-schemas.ts';

const presentNote = (n: Awaited<ReturnType<typeof listNotes>>[number]) => ({
  ...n,
  created_at: iso(n.created_at),
});

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
    notes: notes.map(presentNote),
  };
}

/** Service history on a customer: notes (note, call, visit, complaint) and the customer's tasks. */
export const customerServiceRoutes: FastifyPluginAsyncZod<ApiContext> = async (app, { store }) => {
  const db = store.db;

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
        summary: "A customer's service records (notes, calls, visits, complaints), newest first",
        params: CustomerParams,
        response: { 200: z.object({ items: z.array(NoteSchema) }), ...ERRORS },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const notes = await listNotes(db, caller.workspace.id, request.params.customerId);
      return { items: notes.map(presentNote) };
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
        body: z.object({ type: z.enum(NOTE_TYPES).default('note'), summary: SafeText(4000) }).strict(),
        response: { 200: NoteSchema, ...ERRORS },
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
      return presentNote(note);
    },
  );
};
