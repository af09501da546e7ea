import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, repoCopy, run } from './repo-copy.ts';

const LINT_FILES = ['.dependency-cruiser.cjs', '.dependency-cruiser-known-violations.json', 'tsconfig.json'];

/** `npm run lint:deps` on a copy of src/ with `files` added. */
async function lintWith(files: Record<string, string>) {
  const dir = repoCopy(LINT_FILES);
  for (const [path, text] of Object.entries(files)) writeFileSync(join(dir, path), text);
  return run(ROOT, process.execPath, [
    '--import',
    'tsx',
    join(ROOT, 'scripts', 'lint-deps.ts'),
    '--root',
    dir,
  ]);
}

describe('the import-boundary lint', () => {
  it('fails on a new import into another domain’s internals, or a new folder cycle', async () => {
    const [internal, cycle] = await Promise.all([
      lintWith({
        'src/stores/boundary-probe.ts':
          "import { parseCondition } from '../segments/segment-service.ts';\nexport const probe = parseCondition;\n",
      }),
      // api already imports segments; segments importing api (even through its index) closes a loop.
      lintWith({
        'src/api/index.ts': "export { buildApp } from './app.ts';\n",
        'src/segments/boundary-probe.ts':
          "import { buildApp } from '../api/index.ts';\nexport const probe = buildApp;\n",
      }),
    ]);
    expect(internal.code, internal.output).toBe(1);
    expect(internal.output).toContain(
      'no-domain-internals: src/stores/boundary-probe.ts → src/segments/segment-service.ts',
    );
    expect(internal.output).toContain('1 new import-boundary violation');
    expect(cycle.code, cycle.output).toBe(1);
    expect(cycle.output).toMatch(/no-folder-cycle: src\/(segments|api) → src\/(api|segments)/);
    expect(cycle.output).not.toContain('no-domain-internals');
  });
});
