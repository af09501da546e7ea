// What other folders use from src/api: import it from here, not from the files inside (issue 20).
export {
  LOCAL_WORKSPACE_HEADER,
  type LocalAccess,
  loopbackUrl,
  newLocalToken,
  removeLocalAccess,
  serverHoldingStore,
  writeLocalAccess,
} from './local-access.ts';
export type { HostedCliResult } from './local-cli-contract.ts';
