#!/usr/bin/env node
// Runs the compiled CLI (dist/, made by `npm ci` through `prepare`, or `npm run build:cli`) when it
// is newer than every source; otherwise — a source edited since, or no build — the TypeScript
// sources through tsx, so a fresh clone and a working copy both just work. RETAIN_FROM_SOURCE=1
// always takes the sources.
import { buildIsFresh } from './build-state.js';

if (!process.env.RETAIN_FROM_SOURCE && buildIsFresh()) {
  await import('../dist/cli/main.js');
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
