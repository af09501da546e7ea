import { z } from 'zod';

/** `POST /local/cli`: a `retain` command line from this machine, run inside the server. */
export const HostedCliBody = z
  .object({
    args: z.array(z.string().max(10_000)).max(200).describe('the arguments after `retain`'),
    cwd: z.string().min(1).max(4096).describe('where relative file paths of the command are'),
  })
  .strict();

/** What the command printed and its exit code. */
export const HostedCliResultSchema = z.object({
  exit_code: z.number().int(),
  stdout: z.string(),
  stderr: z.string(),
});
export type HostedCliResult = z.infer<typeof HostedCliResultSchema>;
