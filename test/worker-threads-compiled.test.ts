import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect, it } from 'vitest';
import { buildDir } from '../bin/build-state.js';

// The compiled build (made fresh by the global setup) starts its worker thread from the compiled
// module, and a process with nothing else to wait for stays until the thread has answered. Run in a
// process of its own: the test runner's own event loop would hide an early exit.
const SCRIPT = `
const dist = ${JSON.stringify(pathToFileURL(buildDir()).href)};
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
  const dir = mkdtempSync(join(tmpdir(), 'retain-line-workers-'));
  const script = join(dir, 'count.mjs');
  writeFileSync(script, SCRIPT);
  const r = spawnSync(process.execPath, [script], { encoding: 'utf8' });
  rmSync(dir, { recursive: true, force: true });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  const out = JSON.parse(r.stdout) as { threaded: boolean; one: unknown[]; two: unknown[] };
  expect(out.threaded).toBe(true);
  expect(out.one[0]).toBe(1000);
  expect((out.one[2] as unknown[]).length).toBeGreaterThan(20);
  expect(out.two).toEqual(out.one);
});
