/**
 * `npm run bench:cli`: how long `retain` takes as a whole process — `retain --help`, `retain
 * --version` and a real command (`retain rfm --summary` on a small embedded store, BENCH_ORDERS
 * orders, default 2,000) — from the compiled build (dist/, made by `npm ci`; built here first when
 * stale) and from the TypeScript sources through tsx (`RETAIN_FROM_SOURCE=1`, what a working copy
 * with edited sources runs), beside `node -e 0` measured in the same run. The runs are interleaved (one of each
 * per round, BENCH_RUNS rounds, default 7) so that the machine's load falls on all alike; the
 * median and the fastest are printed. The outputs of the build and the sources are checked equal.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { buildIsFresh } from '../bin/build-state.js';

const here = new URL('.', import.meta.url).pathname;
const bin = join(here, '../bin/retain.js');
const runs = Number(process.env.BENCH_RUNS ?? 7);
const orders = Number(process.env.BENCH_ORDERS ?? 2000);
const out = join(here, 'out');
mkdirSync(out, { recursive: true });

if (!buildIsFresh()) {
  const built = spawnSync(process.execPath, [join(here, '../bin/build.js')], { stdio: 'inherit' });
  if (built.status !== 0) throw new Error('bin/build.js failed');
}

/** A small store: `orders` orders of about a third as many customers, imported by Retain once. */
function smallStore(): string {
  const dir = join(out, `cli-store-${orders}`);
  if (existsSync(dir)) return dir;
  const csv = join(out, `cli-orders-${orders}.csv`);
  const lines = ['订单号,手机号,姓名,下单时间,实付金额,订单状态'];
  for (let i = 1; i <= orders; i++) {
    const customer = 1 + ((i * 7919) % Math.ceil(orders / 3));
    const day = new Date(Date.UTC(2025, 0, 1) + ((i * 104_729) % 365) * 86_400_000)
      .toISOString()
      .slice(0, 10);
    lines.push(
      `O${i},${13_800_000_000 + customer},顾客${customer},${day} 10:00,${(19 + (i % 300)).toFixed(2)},交易成功`,
    );
  }
  writeFileSync(csv, `${lines.join('\n')}\n`);
  const tmp = `${dir}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  const r = spawnSync(process.execPath, [bin, 'import', 'orders', csv], {
    env: { ...process.env, RETAIN_DATA_DIR: tmp, DATABASE_URL: '' },
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`import failed: ${r.stderr}`);
  renameSync(tmp, dir);
  return dir;
}

const store = smallStore();
const env = { ...process.env, RETAIN_DATA_DIR: store, DATABASE_URL: '' };

interface Case {
  label: string;
  argv: string[];
  env?: NodeJS.ProcessEnv;
}
const commands: [string, string[]][] = [
  ['`retain --help`', ['--help']],
  ['`retain --version`', ['--version']],
  ['`retain rfm --summary` (small store)', ['rfm', '--summary', '--as-of', '2026-01-01']],
];
const cases: Case[] = [
  { label: 'baseline: `node -e 0`', argv: ['-e', '0'] },
  ...commands.map(([label, args]) => ({ label: `${label}, compiled build`, argv: [bin, ...args], env })),
  ...commands.map(([label, args]) => ({
    label: `${label}, sources through tsx (development)`,
    argv: [bin, ...args],
    env: { ...env, RETAIN_FROM_SOURCE: '1' },
  })),
];

const times = new Map<Case, number[]>(cases.map((c) => [c, []]));
const outputs = new Map<Case, string>();
const load = loadavg()[0]!;
for (let round = 0; round < runs; round++)
  for (const c of cases) {
    const started = performance.now();
    const r = spawnSync(process.execPath, c.argv, { env: c.env ?? process.env, encoding: 'utf8' });
    times.get(c)!.push(performance.now() - started);
    if (r.status !== 0) throw new Error(`${c.label} exited with ${r.status}: ${r.stderr}`);
    outputs.set(c, r.stdout);
  }

const problems: string[] = [];
commands.forEach(([label], k) => {
  const compiled = cases[1 + k]!;
  const sources = cases[1 + commands.length + k]!;
  if (outputs.get(compiled) !== outputs.get(sources))
    problems.push(`${label}: the build and the sources printed different output`);
});

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const secs = (ms: number) => `${(ms / 1000).toFixed(3)} s`;
const node = median(times.get(cases[0]!)!);
console.log(
  `\nCLI start (${runs} runs each, interleaved; load average ${load.toFixed(2)} at the start, ${loadavg()[0]!.toFixed(2)} at the end; small store: ${orders.toLocaleString('en')} orders)\n`,
);
console.log('| run | median | fastest | × `node -e 0` |\n|---|---:|---:|---:|');
for (const c of cases) {
  const t = times.get(c)!;
  console.log(
    `| ${c.label} | ${secs(median(t))} | ${secs(Math.min(...t))} | ${(median(t) / node).toFixed(1)} |`,
  );
}
const help = median(times.get(cases[1]!)!);
console.log(
  `\ntarget: \`retain --help\` under 0.3 s: ${help < 300 ? 'met' : 'NOT met'} (${secs(help)}; node itself ${secs(node)})`,
);
if (problems.length) {
  console.log(`\nPROBLEMS:\n${problems.map((p) => `- ${p}`).join('\n')}`);
  process.exitCode = 1;
}
