// `npm run build` (always) and `npm start` (with --if-stale): the dashboard into web/dist.
import { buildDashboard, buildDashboardIfStale } from '../src/web/dashboard-build.ts';

if (process.argv.includes('--if-stale')) {
  if (await buildDashboardIfStale()) console.log('dashboard built into web/dist');
} else {
  await buildDashboard();
  console.log('dashboard built into web/dist');
}
