/**
 * The baseline of `bench:segments`, run as its own process: DuckDB opens a persisted database of
 * the raw orders and writes the per-customer RFM CSV (scores, groups, lifecycle) for an as-of date.
 * `node --import tsx bench/duckdb-rfm.ts DB_FILE AS_OF OUT_CSV`
 */
import { DuckDBInstance } from '@duckdb/node-api';

const [dbFile, asOf, out] = process.argv.slice(2) as [string, string, string];
const instance = await DuckDBInstance.create(dbFile);
const conn = await instance.connect();
await conn.run(`
  copy (
    with v as (
      select customer_id, local_date as d, net from orders
      where status in ('paid', 'completed') and net > 0 and local_date <= date '${asOf}'
    ),
    c as (
      select customer_id, date '${asOf}' - max(d) as r, count(*) as f, sum(net) as m,
        date '${asOf}' - min(d) as first_days, count(*) filter (where date '${asOf}' - d < 180) as in_window
      from v group by customer_id
    ),
    s as (
      select *, ceil(5 * cume_dist() over (order by r desc))::int as r_score,
        ceil(5 * cume_dist() over (order by f))::int as f_score, ceil(5 * cume_dist() over (order by m))::int as m_score,
        avg(r) over () as mr, avg(f) over () as mf, avg(m) over () as mm
      from c
    )
    select customer_id, r as recency, f as frequency, m as monetary, r_score, f_score, m_score,
      case when m > mm then 'important_' else 'general_' end ||
        case when r < mr then (case when f > mf then 'value' else 'develop' end)
             else (case when f > mf then 'keep' else 'retain' end) end as rfm_group,
      case when first_days <= 7 then 'new'
           when r <= 30 and first_days >= 180 and in_window >= 3 then 'loyal'
           when r <= 30 then 'active' when r <= 90 then 'silent' else 'lost' end as lifecycle
    from s order by customer_id
  ) to '${out}' (header, delimiter ',')`);
conn.closeSync();
