import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

/** The repository's root (this file sits in test/). */
export const ROOT = join(import.meta.dirname, '..');

/**
 * A temporary copy of the repository's `src/` and the named top-level files, with node_modules
 * linked, for a check that edits code and expects a tool to fail.
 */
export function repoCopy(files: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'retain-copy-'));
  cpSync(join(ROOT, 'src'), join(dir, 'src'), { recursive: true });
  for (const file of files) cpSync(join(ROOT, file), join(dir, file));
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  return dir;
}

/** Runs a command in `cwd`; its exit code and output, never a throw for a non-zero exit. */
export async function run(cwd: string, command: string, args: string[]) {
  try {
    const { stdout, stderr } = await promisify(execFile)(command, args, {
      cwd,
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}
