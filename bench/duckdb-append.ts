/**
 * For `bench:segments`: appends an orders CSV to a persisted DuckDB database of raw orders, as the
 * benchmark built it. `node --import tsx bench/duckdb-append.ts DB_FILE ORDERS_CSV`
 */
import { DuckDBInstance } from '@duckdb/node-api';

const [dbFile, csv] = process.argv.slice(2) as [string, string];
const instance = await DuckDBInstance.create(dbFile);
const conn = await instance.connect();
await conn.run(`insert into orders select customer_id, ordered_at::date, status, round(amount * 100)::bigint
  from read_csv('${csv.replaceAll("'", "''")}', header = true, columns = {'order_id': 'varchar', 'customer_id': 'varchar',
    'ordered_at': 'timestamp', 'amount': 'decimal(12,2)', 'status': 'varchar', 'channel': 'varchar'})`);
conn.closeSync();
instance.closeSync();
