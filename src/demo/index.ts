// What other folders use from src/demo: import it from here, not from the files inside (issue 20).
export { loadDemo } from './demo-load.ts';
