import { AsyncLocalStorage } from 'node:async_hooks';
import { resolve } from 'node:path';
import type { Database } from '../db/database.ts';

/** A CLI command run inside `retain serve` for a `retain` on this machine (see {@link runHosted}). */
interface HostedRun {
  store: Database;
  cwd: string;
  stdout: string[];
  stderr: string[];
}

const hosted = new AsyncLocalStorage<HostedRun>();

/** The server's open store when the running command is hosted by `retain serve`, else undefined. */
export function hostedStore(): Database | undefined {
  return hosted.getStore()?.store;
}

/**
 * A file path a command was given, resolved where the user typed it: a hosted command's paths are
 * relative to the caller's working directory, not the server's.
 */
export function cliPath(path: string): string {
  return resolve(hosted.getStore()?.cwd ?? process.cwd(), path);
}

/** What a hosted command printed and its exit code. */
export interface HostedResult {
  exit_code: number;
  stdout: string;
  stderr: string;
}

let captured = false;

/**
 * Sends what the console and the standard streams are given inside a hosted run to that run's
 * buffers; everything else (the server's own logs) goes where it always went.
 */
function captureOutput(): void {
  if (captured) return;
  captured = true;
  for (const [name, stream] of [
    ['stdout', process.stdout],
    ['stderr', process.stderr],
  ] as const) {
    const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      const run = hosted.getStore();
      if (!run) return write(chunk, ...rest);
      run[name].push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
      const done = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
      done?.();
      return true;
    }) as typeof stream.write;
  }
}

let queue: Promise<unknown> = Promise.resolve();

/**
 * Runs a CLI command inside the server holding the embedded store, with that store, one command
 * at a time (commands set the process's exit code), capturing what it prints.
 */
export function runHosted(store: Database, cwd: string, run: () => Promise<number>): Promise<HostedResult> {
  captureOutput();
  const next = queue.then(async () => {
    const state: HostedRun = { store, cwd, stdout: [], stderr: [] };
    const before = process.exitCode;
    process.exitCode = undefined;
    try {
      const code = await hosted.run(state, run);
      const exit = code || Number(process.exitCode ?? 0);
      return { exit_code: exit, stdout: state.stdout.join(''), stderr: state.stderr.join('') };
    } finally {
      process.exitCode = before;
    }
  });
  queue = next.catch(() => {});
  return next;
}
