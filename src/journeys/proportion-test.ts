// Moved to src/shared/proportions.ts (tasks and broadcasts compare proportions too).
export * from '../shared/proportions.ts';
