import { randomUUID } from 'node:crypto';
import { mkdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Actor } from '../access/index.ts';
import { recordAudit } from '../audit/index.ts';
import type { Database } from '../db/database.ts';
import { outsideRequestScope } from '../db/request-scope.ts';
import { type DetectedColumns, detectColumns } from '../importing/column-detect.ts';
import { type ImportProgress, type ImportStats, importFile } from '../importing/import-service.ts';
import type { ImportKind, ImportLang } from '../importing/index.ts';
import { readSavedMapping } from '../importing/index.ts';
import { refreshAfterChanges } from '../segments/segment-refresh.ts';
import { RetainError } from '../shared/errors.ts';
import type { Workspace } from '../workspaces/index.ts';

/** An uploaded file loading in the background, as `GET /imports/{id}` reports it. */
export interface ImportJob {
  id: string;
  workspaceId: number;
  kind: ImportKind;
  fileName: string;
  status: 'running' | 'completed' | 'failed';
  progress: ImportProgress;
  stats?: ImportStats;
  /** How saved segments moved, when the import was asked to refresh them (as `retain import` does). */
  segments?: { name: string; entered: number; exited: number }[];
  error?: string;
  rejectsFile: string;
  /** The rejected rows with personal fields masked, for roles without the `pii` permission. */
  maskedRejectsFile: string;
  /** The language of its row errors and rejects file. */
  lang: ImportLang;
  startedAt: Date;
  finishedAt?: Date;
}

const KEEP_FINISHED = 200;

/**
 * The error to show for a failed import or detection: a user's error as it is, anything else as a
 * sentence without its details, which may name the server's temporary paths.
 */
function failure(error: unknown, jobId: string): string {
  if (error instanceof RetainError) return error.message;
  return `unexpected error while importing (import ${jobId}; the server log has the details)`;
}

/**
 * Runs uploaded imports one after another per process and remembers the last ones' progress,
 * results and rejected rows. Jobs belong to a workspace: another workspace never finds them.
 */
export class ImportJobs {
  private readonly jobs = new Map<string, ImportJob>();
  private readonly running = new Set<Promise<void>>();
  private readonly dir: string;

  constructor(
    private readonly store: Database,
    dir?: string,
    /** Told of an unexpected failure, whose details stay out of the job's message. */
    private readonly log?: (error: unknown, jobId: string) => void,
  ) {
    this.dir = dir ?? join(tmpdir(), `retain-imports-${process.pid}`);
    mkdirSync(this.dir, { recursive: true });
  }

  /**
   * Moves an upload into its own folder as `upload` plus the extension of the user's file name
   * (which tells the format): a name too long or odd for the file system cannot fail the move.
   */
  private place(upload: string, id: string, fileName: string): string {
    const folder = join(this.dir, id);
    mkdirSync(folder);
    const ext = /\.(csv|tsv|txt|xlsx)(\.gz)?$/i.exec(fileName)?.[0] ?? '.unknown';
    const named = join(folder, `upload${ext.toLowerCase()}`);
    renameSync(upload, named);
    return named;
  }

  /** The columns an uploaded file (or its beginning) would be read with; the upload is deleted. */
  async detect(
    workspaceId: number,
    upload: string,
    fileName: string,
    kind: ImportKind,
    encoding?: string,
  ): Promise<DetectedColumns> {
    const id = randomUUID();
    try {
      return await detectColumns(this.place(upload, id, fileName), kind, encoding, fileName, (platform) =>
        readSavedMapping(this.store.db, workspaceId, platform, kind),
      );
    } finally {
      rmSync(join(this.dir, id), { recursive: true, force: true });
      rmSync(upload, { force: true });
    }
  }

  /** A path for an upload to be written to before {@link start}. */
  uploadPath(): string {
    return join(this.dir, `${randomUUID()}.upload`);
  }

  /** Starts loading an uploaded file; the upload is deleted when done. */
  start(
    workspace: Workspace,
    actor: Actor,
    input: {
      kind: ImportKind;
      path: string;
      fileName: string;
      map?: Record<string, string>;
      encoding?: string;
      strict?: boolean;
      dryRun?: boolean;
      lang?: ImportLang;
      /** Bring saved segments up to date in the import's transaction, as `retain import` does. */
      refreshSegments?: boolean;
    },
  ): ImportJob {
    const id = randomUUID();
    const job: ImportJob = {
      id,
      workspaceId: workspace.id,
      kind: input.kind,
      fileName: input.fileName,
      status: 'running',
      progress: { rows: 0, bytesRead: 0, totalBytes: 0, phase: 'reading' },
      rejectsFile: join(this.dir, `${id}.rejects.csv`),
      maskedRejectsFile: join(this.dir, `${id}.rejects-masked.csv`),
      lang: input.lang ?? 'en',
      startedAt: new Date(),
    };
    this.jobs.set(id, job);
    this.forgetOld();
    // A job outlives the request that started it: no statement timeout, no cancel with its client.
    const run = outsideRequestScope(async () => {
      try {
        const named = this.place(input.path, id, input.fileName);
        job.stats = await importFile(this.store, {
          kind: input.kind,
          file: named,
          label: input.fileName,
          workspace,
          map: input.map,
          encoding: input.encoding,
          strict: input.strict,
          dryRun: input.dryRun,
          lang: job.lang,
          savedMappings: true,
          rejectsFile: job.rejectsFile,
          maskedRejectsFile: job.maskedRejectsFile,
          onProgress: (p) => {
            job.progress = p;
          },
          afterChanges: input.refreshSegments
            ? async (session, touched, stats, before) => {
                job.segments = [];
                if (stats.inserted + stats.updated + stats.merged === 0) return;
                const moved = await refreshAfterChanges(session, workspace, touched, before);
                job.segments = moved.map((m) => ({ name: m.name, entered: m.entered, exited: m.exited }));
              }
            : undefined,
        });
        job.status = 'completed';
        await recordAudit(this.store.db, workspace.id, actor, {
          action: input.dryRun ? 'import.dry_run' : 'import.file',
          objectType: 'import',
          objectId: id,
          detail: {
            kind: input.kind,
            file: input.fileName,
            read: job.stats.read,
            rejected: job.stats.rejected,
          },
        });
      } catch (error) {
        job.status = 'failed';
        job.error = failure(error, id);
        if (!(error instanceof RetainError)) this.log?.(error, id);
      } finally {
        job.finishedAt = new Date();
        rmSync(join(this.dir, id), { recursive: true, force: true });
        rmSync(input.path, { force: true });
      }
    });
    this.running.add(run);
    void run.finally(() => this.running.delete(run));
    return job;
  }

  /** A job of the workspace, or undefined (also for other workspaces' jobs). */
  get(workspaceId: number, id: string): ImportJob | undefined {
    const job = this.jobs.get(id);
    return job && job.workspaceId === workspaceId ? job : undefined;
  }

  /** Waits for running imports (graceful shutdown). */
  async drain(): Promise<void> {
    await Promise.allSettled([...this.running]);
  }

  private forgetOld() {
    const finished = [...this.jobs.values()].filter((j) => j.status !== 'running');
    for (const job of finished.slice(0, Math.max(0, finished.length - KEEP_FINISHED))) {
      this.jobs.delete(job.id);
      rmSync(job.rejectsFile, { force: true });
      rmSync(job.maskedRejectsFile, { force: true });
    }
  }
}
