import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { installPlaybook } from '../../playbook/index.ts';
import { PlaybookInstallBody, PlaybookResultSchema } from '../../playbook/playbook-contract.ts';
import { callerOf } from '../auth.ts';
import type { ApiContext } from '../context.ts';
import { ERRORS } from '../schemas.ts';

/** The seed playbook: install it into the caller's workspace. */
export const playbookRoutes: FastifyPluginAsyncZod<ApiContext> = async (app, { store }) => {
  app.post(
    '/playbook/install',
    {
      config: { permission: 'messaging.write' },
      schema: {
        tags: ['journeys'],
        summary:
          'Install the seed playbook: message templates, coupon templates and the example journeys (paused); what is already there is kept, so installing twice changes nothing',
        body: PlaybookInstallBody.optional(),
        response: { 200: PlaybookResultSchema, ...ERRORS },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      return installPlaybook(store.db, caller.workspace, caller.actor);
    },
  );
};
