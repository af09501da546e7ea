// What other folders use from src/identity: import it from here, not from the files inside (issue 20).

export { deleteIdentities } from './identity-erase.ts';
export {
  normalizeEmail,
  normalizeExternalId,
  normalizeIdentity,
  normalizePhone,
} from './identity-normalize.ts';
export { mergeTwoCustomers } from './manual-merge.ts';
