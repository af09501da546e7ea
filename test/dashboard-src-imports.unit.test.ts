import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// The dashboard's bundle takes the contract files (zod schemas, codes) from src/. Whatever those
// import at run time goes to the browser too: one import of a domain's index.ts instead of the file
// it needs pulled every channel's sender (Node's Buffer and crypto) into the bundle, and every
// dashboard page died with "Buffer is not defined". This walks the imports the browser gets.
const ROOT = resolve(import.meta.dirname, '..');
const BROWSER_PACKAGES = new Set(['zod']);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(name) && !name.includes('.test.') ? [path] : [];
  });
}

/** The specifiers a file imports at run time (`import type` and all-type name lists are erased). */
function runtimeImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found: string[] = [];
  for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)\s+(type\s+)?([^;]*?)\s+from\s+'([^']+)'/g)) {
    if (m[1]) continue;
    const names = m[2]!.trim();
    const list = /^\{([^}]*)\}$/.exec(names)?.[1];
    if (list?.split(',').every((n) => n.trim() === '' || n.trim().startsWith('type '))) continue;
    found.push(m[3]!);
  }
  for (const m of text.matchAll(/(?:^|\n)\s*import\s+'([^']+)'/g)) found.push(m[1]!);
  return found;
}

/** The src/ files the dashboard's bundle reaches, with what each imports from outside the repo. */
function browserReachableSource(): Map<string, string[]> {
  const reached = new Map<string, string[]>();
  const stack = sourceFiles(join(ROOT, 'web/src'));
  const seen = new Set<string>();
  while (stack.length) {
    const file = stack.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const packages: string[] = [];
    for (const spec of runtimeImports(file)) {
      if (!spec.startsWith('.')) {
        packages.push(spec);
        continue;
      }
      const target = resolve(dirname(file), spec);
      if (existsSync(target) && statSync(target).isFile()) stack.push(target);
    }
    const name = relative(ROOT, file);
    if (name.startsWith('src/')) reached.set(name, packages);
  }
  return reached;
}

describe('the source files the dashboard bundles', () => {
  const reached = browserReachableSource();

  it('are found (the walk follows the contract imports)', () => {
    expect([...reached.keys()]).toContain('src/messaging/messaging-contract.ts');
  });

  it('import nothing from Node or a server package, and no domain index.ts', () => {
    const wrong = [...reached].flatMap(([file, packages]) => [
      ...packages.filter((p) => !BROWSER_PACKAGES.has(p)).map((p) => `${file} imports ${p}`),
      ...(file.endsWith('/index.ts') ? [`${file} (a domain's index.ts re-exports server code)`] : []),
    ]);
    expect(wrong).toEqual([]);
  });
});
