// What other folders use from src/products: import it from here, not from the files inside (issue 20).
export {
  CustomerReplenishmentSchema,
  IntervalsRefreshBody,
  IntervalsRefreshResult,
  ProductChangeBody,
  ProductCreateBody,
  type ProductInterval,
  ProductIntervalPageSchema,
  ProductPageSchema,
  ProductSchema,
} from './product-contract.ts';
export { customerReplenishment, intervalPage, learnIntervals } from './product-intervals.ts';
export { changeProduct, createProduct, productPage } from './product-service.ts';
