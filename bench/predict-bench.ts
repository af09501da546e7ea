/**
 * `npm run bench:predict`: the prediction benchmarks, each printing our figure beside a baseline
 * measured in the same run:
 * 1. the customer-base models' fit and score at BENCH_CUSTOMERS customers (default 1M) with ten
 *    orders each on the embedded store (bench/predict-fit-bench.ts); `--customers N` or
 *    BENCH_CUSTOMERS=N for a quick run (e.g. 10000);
 * 2. the offline evaluation of recommendations on Online Retail (bench/predict-recommend-eval.ts).
 * `--only fit` or `--only recommend` runs one part.
 */
import { execSync } from 'node:child_process';
import { printFitBench, runFitBench } from './predict-fit-bench.ts';
import { printRecommendEval, runRecommendEval } from './predict-recommend-eval.ts';

const option = (name: string) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const customers = Number(option('--customers') ?? process.env.BENCH_CUSTOMERS ?? 1_000_000);
if (!Number.isInteger(customers) || customers < 100) {
  console.error('--customers (or BENCH_CUSTOMERS) must be a whole number of at least 100');
  process.exit(2);
}
const only = option('--only');

console.log(`load: ${execSync('uptime').toString().trim()}`);
if (only !== 'recommend') {
  console.log('\n## Fit and score');
  printFitBench(await runFitBench(customers, customers * 10));
}
if (only !== 'fit') {
  console.log('\n## Recommendations (Online Retail, time split)');
  printRecommendEval(await runRecommendEval());
}
console.log(`\nload: ${execSync('uptime').toString().trim()}`);
