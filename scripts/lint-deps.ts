// The import-boundary lint (`npm run lint:deps`): runs dependency-cruiser with the rules in
// .dependency-cruiser.cjs and fails on any violation not listed in
// .dependency-cruiser-known-violations.json. dependency-cruiser itself ignores known violations of
// file-level rules only, so the folder-cycle ones are matched here.
//
//   node --import tsx scripts/lint-deps.ts [--root DIR]      check (exit 1 on a new violation)
//   node --import tsx scripts/lint-deps.ts --baseline         rewrite the known list from the code
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

interface Violation {
  type: string;
  from: string;
  to: string;
  rule: { name: string; severity: string };
  cycle?: { name: string }[];
}

const KNOWN = '.dependency-cruiser-known-violations.json';

/** The violations dependency-cruiser finds in `root`'s src/ (known file-level ones as "ignore"). */
function cruise(root: string, ignoreKnown: boolean): Violation[] {
  const bin = join(import.meta.dirname, '..', 'node_modules', '.bin', 'depcruise');
  const run = spawnSync(
    process.env.DEPCRUISE ?? bin,
    [
      'src',
      '--config',
      '.dependency-cruiser.cjs',
      ...(ignoreKnown ? ['--ignore-known', KNOWN] : []),
      '--output-type',
      'json',
    ],
    { cwd: root, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 },
  );
  if (!run.stdout) throw new Error(`depcruise did not run: ${run.error?.message ?? run.stderr}`);
  return (JSON.parse(run.stdout) as { summary: { violations: Violation[] } }).summary.violations;
}

const key = (v: Violation) => `${v.rule.name} ${v.from} -> ${v.to}`;

/** One readable line per violation, with the loop for a cycle. */
function describe(v: Violation): string {
  const loop = v.cycle?.length ? ` (loop: ${[v.from, ...v.cycle.map((c) => c.name)].join(' → ')})` : '';
  return `${v.rule.name}: ${v.from} → ${v.to}${loop}`;
}

const { values } = parseArgs({ options: { root: { type: 'string' }, baseline: { type: 'boolean' } } });
const root = values.root ?? join(import.meta.dirname, '..');

if (values.baseline) {
  const all = cruise(root, false);
  writeFileSync(join(root, KNOWN), `${JSON.stringify(all, null, 2)}\n`);
  console.log(`${all.length} known violations written to ${KNOWN}`);
} else {
  const known = new Set((JSON.parse(readFileSync(join(root, KNOWN), 'utf8')) as Violation[]).map(key));
  const fresh = cruise(root, true).filter((v) => v.rule.severity === 'error' && !known.has(key(v)));
  for (const v of fresh) console.error(describe(v));
  if (fresh.length > 0) {
    console.error(
      `${fresh.length} new import-boundary violation(s): import another domain through its index.ts (see .dependency-cruiser.cjs)`,
    );
    process.exit(1);
  }
  console.log(`import boundaries: no new violation (${known.size} known, listed in ${KNOWN})`);
}
