/** What other domains use of orders. */
export { discardLinesAhead, LINES_AHEAD_MIN_ROWS, prepareLinesAhead } from './order-lines-ahead.ts';
