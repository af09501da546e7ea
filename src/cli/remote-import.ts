import { openAsBlob, statSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { LOCAL_WORKSPACE_HEADER, type LocalAccess } from '../api/index.ts';
import type { ImportStats } from '../importing/import-service.ts';
import type { ImportKind, ImportLang } from '../importing/index.ts';
import { InvalidInputError, RetainError } from '../shared/errors.ts';

/** What `retain import` asks of the server holding the store. */
export interface RemoteImportInput {
  kind: ImportKind;
  file: string;
  workspace: string;
  map: Record<string, string>;
  encoding?: string;
  strict?: boolean;
  dryRun?: boolean;
  lang: ImportLang;
  rejectsFile?: string;
  onProgress?: (p: { rows: number; bytesRead: number; totalBytes: number }) => void;
}

/** What the server's import reports once done. */
export interface RemoteImportResult {
  stats: ImportStats;
  segments: { name: string; entered: number; exited: number }[];
}

interface Job {
  id: string;
  status: 'running' | 'completed' | 'failed';
  progress: { rows: number; bytes_read: number; total_bytes: number };
  stats: ImportStats | null;
  segments: RemoteImportResult['segments'] | null;
  error: string | null;
}

const POLL_MS = 200;

/**
 * Runs `retain import` through the running `retain serve` that holds the embedded store: uploads
 * the file to `POST /api/v1/imports` with the server's local token, polls the job until it ends,
 * and fetches the rejected rows when asked, so the command prints what a local import prints.
 */
export async function importThroughServer(
  access: LocalAccess,
  input: RemoteImportInput,
): Promise<RemoteImportResult> {
  try {
    if (!statSync(input.file).isFile()) throw new InvalidInputError(`${input.file} is not a file`);
  } catch (error) {
    if (error instanceof RetainError) throw error;
    throw new InvalidInputError(`${input.file}: no such file`);
  }
  const headers = {
    authorization: `Bearer ${access.token}`,
    [LOCAL_WORKSPACE_HEADER]: encodeURIComponent(input.workspace),
  };
  const call = async (path: string, init: RequestInit = {}) => {
    let reply: Response;
    try {
      reply = await fetch(`${access.url}/api/v1${path}`, { ...init, headers });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
      throw new RetainError(
        'unavailable',
        `could not reach the retain serve (process ${access.pid}) at ${access.url} holding the store (${cause}); try again, or stop it and import directly`,
      );
    }
    if (reply.ok) return reply;
    const body = (await reply.json().catch(() => ({}))) as { message?: string };
    const message = body.message ?? `HTTP ${reply.status}`;
    throw reply.status === 400 ? new InvalidInputError(message) : new RetainError('unavailable', message);
  };
  const query = new URLSearchParams({ kind: input.kind, lang: input.lang, refresh_segments: 'true' });
  if (input.encoding) query.set('encoding', input.encoding);
  if (input.strict) query.set('strict', 'true');
  if (input.dryRun) query.set('dry_run', 'true');
  if (Object.keys(input.map).length > 0) query.set('map', JSON.stringify(input.map));
  const form = new FormData();
  // A Blob backed by the file: a large nightly file is streamed, not read into memory.
  form.append('file', await openAsBlob(input.file), basename(input.file));
  let job = (await (await call(`/imports?${query}`, { method: 'POST', body: form })).json()) as Job;
  while (job.status === 'running') {
    await new Promise((r) => setTimeout(r, POLL_MS));
    job = (await (await call(`/imports/${job.id}`)).json()) as Job;
    input.onProgress?.({
      rows: job.progress.rows,
      bytesRead: job.progress.bytes_read,
      totalBytes: job.progress.total_bytes,
    });
  }
  if (job.status === 'failed' || !job.stats)
    throw new InvalidInputError(job.error ?? `import ${job.id} failed on the server`);
  if (input.rejectsFile) {
    const rejects = await call(`/imports/${job.id}/rejects`);
    writeFileSync(input.rejectsFile, Buffer.from(await rejects.arrayBuffer()));
  }
  return { stats: job.stats, segments: job.segments ?? [] };
}
