/**
 * `npm run bench:predict`: the prediction benchmarks. Each part prints our figure beside a
 * baseline measured in the same run. Parts: the offline evaluation of recommendations on Online
 * Retail (bench/predict-recommend-eval.ts).
 */
import { loadavg } from 'node:os';
import { printRecommendEval, runRecommendEval } from './predict-recommend-eval.ts';

const load = () =>
  loadavg()
    .map((v) => v.toFixed(2))
    .join(', ');

console.log(`load average before: ${load()}`);
console.log('\n## Recommendations (Online Retail, time split)');
printRecommendEval(await runRecommendEval());
console.log(`\nload average after: ${load()}`);
