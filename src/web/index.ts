// What other folders use from src/web: import it from here, not from the files inside (issue 20).
export { DASHBOARD_DIR, ensureDashboard } from './dashboard-build.ts';
