// What other folders use from src/stores: import it from here, not from the files inside (issue 20).
export { StoreChangeBody, StoreCreateBody, StoreSchema } from './store-contract.ts';
export { changeStore, createStore, listStores } from './store-service.ts';
