import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { RetainError } from '../../shared/errors.ts';
import { callerOf } from '../auth.ts';
import type { ApiContext } from '../context.ts';
import { HostedCliBody, type HostedCliResult, HostedCliResultSchema } from '../local-cli-contract.ts';
import { ERRORS } from '../schemas.ts';

/** Runs a `retain` command line inside this server (given by `retain serve`, which knows the CLI). */
export type HostedCli = (args: string[], cwd: string) => Promise<HostedCliResult>;

/**
 * `POST /local/cli`: a `retain` command typed on this machine while this server holds the
 * embedded store, run here with the server's store. Only the local token of the server's access
 * file (a loopback connection) may call it; no API key or session can, whatever its role.
 */
export const localCliRoutes: FastifyPluginAsyncZod<ApiContext & { hostedCli: HostedCli }> = async (
  app,
  { hostedCli },
) => {
  app.post(
    '/local/cli',
    {
      config: { permission: 'admin' },
      schema: {
        tags: ['local'],
        summary: 'Run a retain command line in the server holding the embedded store (local token only)',
        body: HostedCliBody,
        response: { 200: HostedCliResultSchema, ...ERRORS },
      },
    },
    async (request) => {
      if (callerOf(request).actor.kind !== 'cli')
        throw new RetainError(
          'forbidden',
          'only a retain command on this machine (the local token) may run commands here',
        );
      const { args, cwd } = request.body;
      if (args.some((a) => a === '--now' || a.startsWith('--now=')))
        throw new RetainError('invalid_input', '--now: the server runs at its own clock');
      return hostedCli(args, cwd);
    },
  );
};
