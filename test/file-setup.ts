import { appendFileSync, readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { setClock } from '../src/shared/clock.ts';

// The integration files share their worker process (isolate: false in vitest.config.ts), so what one
// file leaves in process-wide state must not reach the next: the fixed clock and the environment.
const environment = { ...process.env };

afterAll(() => {
  setClock(undefined);
  for (const name of Object.keys(process.env)) if (!(name in environment)) delete process.env[name];
  Object.assign(process.env, environment);
});

// RETAIN_TEST_CPU_LOG=path appends one line per file: its path, CPU seconds and wall seconds. The
// CPU is this worker's and that of the children it has reaped (the CLI processes, servers and
// Chromium the file started), read from /proc (Linux); a PostgreSQL server's own work is not in it.
const cpuLog = process.env.RETAIN_TEST_CPU_LOG;
if (cpuLog) {
  const cpuSeconds = () => {
    // Fields 14–17 of /proc/self/stat (after the parenthesised name): utime, stime, cutime, cstime.
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields.slice(11, 15).reduce((sum, ticks) => sum + Number(ticks), 0) / 100;
  };
  let start = { cpu: 0, wall: 0 };
  beforeAll(() => {
    start = { cpu: cpuSeconds(), wall: performance.now() };
  });
  afterAll(() => {
    const file = relative(process.cwd(), expect.getState().testPath ?? 'unknown');
    const cpu = (cpuSeconds() - start.cpu).toFixed(1);
    const wall = ((performance.now() - start.wall) / 1000).toFixed(1);
    appendFileSync(cpuLog, `${file}\t${cpu}\t${wall}\n`);
  });
}
