/**
 * `npm run bench:predict`: the customer-base models' fit and score at BENCH_CUSTOMERS customers
 * (default 1M) with ten orders each on the embedded store; `--customers N` or BENCH_CUSTOMERS=N
 * for a quick run (e.g. 10000).
 */
import { execSync } from 'node:child_process';
import { printFitBench, runFitBench } from './predict-fit-bench.ts';

const arg = process.argv.indexOf('--customers');
const customers = Number(arg > 0 ? process.argv[arg + 1] : (process.env.BENCH_CUSTOMERS ?? 1_000_000));
if (!Number.isInteger(customers) || customers < 100) {
  console.error('--customers (or BENCH_CUSTOMERS) must be a whole number of at least 100');
  process.exit(2);
}

console.log(`load: ${execSync('uptime').toString().trim()}`);
printFitBench(await runFitBench(customers, customers * 10));
console.log(`load: ${execSync('uptime').toString().trim()}`);
