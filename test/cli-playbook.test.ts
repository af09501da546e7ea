import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const bin = new URL('../bin/retain.js', import.meta.url).pathname;
const examples = new URL('../examples/journeys/', import.meta.url).pathname;
const files = readdirSync(examples)
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => join(examples, f));

// As a new user would from a fresh clone: `retain demo`, then every example journey file applies
// and backtests on the demo merchant as it is (the birthday journey's 生日礼券 used to be missing).
describe('retain demo and the example journeys', () => {
  it('applies and backtests every example journey on a fresh demo store; a second install changes nothing', () => {
    const env = {
      ...process.env,
      RETAIN_DATA_DIR: mkdtempSync(join(tmpdir(), 'retain-demo-')),
      DATABASE_URL: '',
    };
    const retain = (...args: string[]) => {
      const run = spawnSync(process.execPath, [bin, ...args], { env, encoding: 'utf8' });
      expect(run.stderr, args.join(' ')).toBe('');
      expect(run.status, args.join(' ')).toBe(0);
      return run.stdout;
    };
    const demo = retain('demo', '--customers', '120', '--end-date', '2026-04-30');
    expect(demo).toMatch(new RegExp(`playbook: ${12 + 4 + files.length} created, 0 unchanged, 0 kept`));
    const list = JSON.parse(retain('journeys', 'list', '--json')) as { name: string; status: string }[];
    expect(list).toHaveLength(files.length);
    expect(new Set(list.map((j) => j.status))).toEqual(new Set(['paused']));

    const applied = retain('journeys', 'apply', ...files)
      .trim()
      .split('\n');
    expect(applied).toHaveLength(files.length);
    for (const line of applied) expect(line).toMatch(/^updated journey "/);
    // Each backtest is a process start; every file's backtest on the demo is in playbook.test.ts.
    for (const file of files.filter((f) => /birthday|cart/.test(f))) {
      const result = JSON.parse(
        retain('journeys', 'backtest', file, '--from', '2026-03-01', '--to', '2026-04-01', '--json'),
      ) as { entered: number; steps: unknown[] };
      expect(result.steps.length, file).toBeGreaterThan(0);
      expect(result.entered, file).toBeGreaterThanOrEqual(0);
    }
    const again = retain('playbook', 'install');
    expect(again).toMatch(new RegExp(`${12 + 4 + files.length} unchanged, 0 kept`));
    expect(again).not.toMatch(/created$/m);
  }, 180_000);
});
