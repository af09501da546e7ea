// What other folders use from src/broadcasts: import it from here, not from the files inside (issue 20).

export {
  BroadcastDefinitionSchema,
  BroadcastReportSchema,
  BroadcastSchema,
  ReachSchema,
  TestSendBody,
  TestSendResult,
} from './broadcast-contract.ts';
export { estimateReach } from './broadcast-reach.ts';
export { broadcastReport } from './broadcast-report.ts';
export {
  approveBroadcast,
  cancelBroadcast,
  createBroadcast,
  getBroadcast,
  listBroadcasts,
  parseBroadcast,
  pauseBroadcast,
  presentBroadcast,
  resumeBroadcast,
  scheduleBroadcast,
} from './broadcast-service.ts';
export { testSendBroadcast } from './broadcast-test-send.ts';
