/** What other domains use of orders. */
export { discardLinesAhead, LINES_AHEAD_MIN_ROWS, prepareLinesAhead } from './order-lines-ahead.ts';
export { getOrder, orderedWithin } from './order-lookup.ts';
export { VALID_ORDER } from './order-status.ts';
export { processOrderLines, processOrders } from './orders-import.ts';
