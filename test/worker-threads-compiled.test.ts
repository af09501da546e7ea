import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect, it } from 'vitest';
import { buildDir } from '../bin/build-state.js';

// The compiled build (made fresh by the global setup) starts its worker threads from the compiled
// modules, and a process with nothing else to wait for stays until the thread has answered. Each
// runs in a process of its own: the test runner's own event loop would hide an early exit.
const dist = JSON.stringify(pathToFileURL(buildDir()).href);

/** Runs a module script in a fresh process; its printed JSON. */
function runScript(name: string, text: string): unknown {
  const dir = mkdtempSync(join(tmpdir(), 'retain-worker-threads-'));
  const script = join(dir, name);
  writeFileSync(script, text);
  const r = spawnSync(process.execPath, [script], { encoding: 'utf8' });
  rmSync(dir, { recursive: true, force: true });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout);
}

const COUNT = `
const dist = ${dist};
const { LineWorkers } = await import(dist + '/predict/line-workers.js');
const { emptyLines } = await import(dist + '/predict/item-lines-query.js');
const { countAssociations } = await import(dist + '/predict/association-count.js');
const lines = emptyLines(3000, true);
for (let i = 0; i < 3000; i++) {
  lines.order[i] = Math.floor(i / 3);
  lines.customer[i] = Math.floor(i / 3) % 97;
  lines.at[i] = i * 1000;
  lines.day[i] = Math.floor(i / 30);
  lines.item[i] = (i * 7 + Math.floor(i / 11)) % 13;
}
lines.n = 3000;
lines.items = Array.from({ length: 13 }, (_, k) => 'SKU' + k);
const rules = { maxBasket: 50, maxBuyer: 100 };
const workers = LineWorkers.start(1);
const two = await workers.count(lines, rules);
await workers.close();
const one = countAssociations(lines, rules);
const pairs = (c) => { const out = []; c.after.forEach(1, (a, b, n) => out.push([a, b, n])); c.together.forEach(1, (a, b, n) => out.push([a, b, n])); return out; };
console.log(JSON.stringify({ threaded: workers.threaded, one: [one.orders, one.buyers, pairs(one)], two: [two.orders, two.buyers, pairs(two)] }));
`;

it('counts on a worker thread from the compiled build, and the process waits for it', () => {
  const out = runScript('count.mjs', COUNT) as { threaded: boolean; one: unknown[]; two: unknown[] };
  expect(out.threaded).toBe(true);
  expect(out.one[0]).toBe(1000);
  expect((out.one[2] as unknown[]).length).toBeGreaterThan(20);
  expect(out.two).toEqual(out.one);
});

// 5,000 customers scored in chunks on the compiled thread against the same scored here, as bytes.
const SCORE = `
const dist = ${dist};
const { PredictionThread } = await import(dist + '/predict/prediction-thread.js');
const { countModel } = await import(dist + '/predict/count-model.js');
const { scoreCustomers } = await import(dist + '/predict/predict-model.js');
const { predictionCopy } = await import(dist + '/predict/prediction-copy.js');
const n = 5000;
const s = {
  customerId: Float64Array.from({ length: n }, (_, i) => 10 + i),
  firstDay: Int32Array.from({ length: n }, (_, i) => 19000 + (i % 300)),
  lastDay: Int32Array.from({ length: n }, (_, i) => 19000 + (i % 300) + ((i * 7) % 60)),
  days: Int32Array.from({ length: n }, (_, i) => 1 + ((i * 7) % 60 === 0 ? 0 : 1 + (i % 5))),
  repeatNet: Float64Array.from({ length: n }, (_, i) => ((i * 7) % 60 === 0 ? 0 : 1000 + (i % 97) * 37)),
  holdoutDays: new Int32Array(n),
  endDay: 19400,
  lastPurchaseDate: null,
};
const fit = {
  model: countModel('bgnbd', { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 }, -1),
  unit: 'week',
  spend: { params: { p: 6.25, q: 3.74, gamma: 15.44 }, logLikelihood: -1 },
};
const terms = { horizonDays: 365, monthlyDiscountRate: 0.01, margin: 0.3, minorPerMajor: 100 };
const thread = new PredictionThread();
const chunks = [];
for await (const bytes of thread.score(s, fit, terms)) chunks.push(Array.from(bytes));
await thread.close();
const here = Array.from(predictionCopy(scoreCustomers(s, fit, terms)));
// One COPY stream per chunk: the header (19 bytes) and trailer (2) of each, around rows.
const rows = chunks.flatMap((c) => c.slice(19, -2));
console.log(JSON.stringify({ chunks: chunks.length, same: JSON.stringify(rows) === JSON.stringify(here.slice(19, -2)), bytes: rows.length }));
`;

it('scores predictions in chunks on a thread from the compiled build, byte for byte as one thread does', () => {
  const out = runScript('score.mjs', SCORE) as { chunks: number; same: boolean; bytes: number };
  expect(out.chunks).toBe(8);
  expect(out.bytes).toBeGreaterThan(5000 * 80);
  expect(out.same).toBe(true);
});
