// What other folders use from src/worker: import it from here, not from the files inside (issue 20).
export { runForever, runOnce } from './worker.ts';
