// Types of bin/build-state.js, for the TypeScript tests that import it.
export const BUILD_STAMP: string;
export function sourceDir(): string;
export function buildDir(): string;
export function buildIsFresh(build?: string, sources?: string): boolean;
