// What other folders use from src/acquisition: import it from here, not from the files inside (issue 20).
export {
  CacReportSchema,
  type CacRow,
  MonthRangeQuery,
  MonthText,
  SpendPutBody,
  SpendPutResult,
  SpendRowSchema,
} from './acquisition-contract.ts';
export { cacReport } from './cac-report.ts';
export { listSpend, saveSpend } from './spend-service.ts';
