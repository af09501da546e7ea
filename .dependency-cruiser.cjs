// Import boundaries of src/ (`npm run lint:deps`, part of `npm run lint` and `npm run check`).
//
// Each folder under src/ is a domain (or an edge: api, cli, worker, web). Another folder imports it
// only through its index.ts; src/shared (utilities) and src/db (connection, migrations, schema) are
// the kernel every domain may import, and the kernel imports no domain. No two folders may import
// each other, directly or round a loop.
//
// The imports that broke these rules when they were introduced are listed in
// .dependency-cruiser-known-violations.json and tolerated (`--ignore-known`), so only a new one
// fails. Fix one, then shrink the list with `npm run lint:deps:baseline`; never grow it by hand.

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-domain-internals',
      comment: "Import another domain through its index.ts, not a file inside it (issue 20: domains own their code).",
      severity: 'error',
      from: { path: '^src/([^/]+)/' },
      to: {
        path: '^src/[^/]+/',
        pathNot: ['^src/$1/', '^src/[^/]+/index\\.ts$', '^src/(shared|db)/'],
      },
    },
    {
      name: 'kernel-imports-no-domain',
      comment: 'src/shared and src/db are imported by every domain, so they may not import one back.',
      severity: 'error',
      from: { path: '^src/(shared|db)/' },
      to: { path: '^src/', pathNot: '^src/(shared|db)/' },
    },
    {
      name: 'no-folder-cycle',
      comment: 'Two folders that import each other (directly or round a loop) are one tangled domain.',
      severity: 'error',
      scope: 'folder',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'no-module-cycle',
      comment: 'A file that imports itself round a loop sees half-initialised modules at start.',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
  ],
  options: {
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.test\\.ts$' },
  },
};
