// What other folders use from src/customers: import it from here, not from the files inside (issue 20).
export {
  customerIdByIdentity,
  existingCustomerIds,
  findCustomerId,
  getCustomerProfile,
  requireCustomer,
} from './customer-profile.ts';
