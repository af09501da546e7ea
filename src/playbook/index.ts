// What other folders use from src/playbook: import it from here, not from the files inside (issue 20).

export type { PlaybookResult } from './playbook-contract.ts';
export { installPlaybook } from './playbook-install.ts';
