import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { maskIdentity } from '../../access/pii-mask.ts';
import { can } from '../../access/roles.ts';
import { setCustomerExternalUserid, setStaffWecomUserid } from '../../channels/wecom-contacts.ts';
import {
  CustomerWecomInput,
  CustomerWecomSchema,
  StaffWecomInput,
  StaffWecomSchema,
} from '../../channels/wecom-contract.ts';
import { callerOf } from '../auth.ts';
import type { ApiContext } from '../context.ts';
import { CustomerParams, ERRORS, IdNumber, MAX_INT4 } from '../schemas.ts';

/** WeCom customer contact: a member's WeCom userid (admins) and a customer's external userid. */
export const wecomRoutes: FastifyPluginAsyncZod<ApiContext> = async (app, { store }) => {
  const db = store.db;

  app.put(
    '/users/:userId/wecom',
    {
      config: { permission: 'admin' },
      schema: {
        tags: ['messaging'],
        summary: "Set a member's WeCom userid: the sender of WeCom messages to the customers they own",
        params: z.object({ userId: IdNumber(MAX_INT4) }),
        body: StaffWecomInput,
        response: { 200: StaffWecomSchema, ...ERRORS },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      return setStaffWecomUserid(
        db,
        caller.workspace.id,
        caller.actor,
        request.params.userId,
        request.body.wecom_userid,
      );
    },
  );

  app.put(
    '/customers/:customerId/wecom',
    {
      config: { permission: 'customers.write' },
      schema: {
        tags: ['messaging'],
        summary: "Set a customer's WeCom external userid (the WeCom customer-contact channel sends to it)",
        params: CustomerParams,
        body: CustomerWecomInput,
        response: { 200: CustomerWecomSchema, ...ERRORS },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const r = await setCustomerExternalUserid(
        db,
        caller.workspace.id,
        caller.actor,
        request.params.customerId,
        request.body.external_userid,
      );
      const open = can(caller.role, 'pii') || r.external_userid === null;
      return open ? r : { ...r, external_userid: maskIdentity('wecom_external_userid', r.external_userid!) };
    },
  );
};
