import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

// Citus refuses an UPDATE of a distributed table that calls a STABLE function over columns or
// inside CASE/COALESCE ("non-IMMUTABLE functions are not allowed in CASE or COALESCE statements").
// The catalog check (citus-structure.test.ts) cannot see statements, so the UPDATEs written in
// src/ are read here: none may call the STABLE functions this code base has reached for.
const SRC = new URL('../src/', import.meta.url).pathname;
const STABLE =
  /\b(jsonb_build_object|jsonb_build_array|json_build_object|to_jsonb|to_json|to_char|clock_timestamp|timeofday)\s*\(/i;

/** Every UPDATE statement in a source text: from `update … set` to the end of its template. */
function updateStatements(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/\bupdate\s+[a-z_]+(\s+(as\s+)?[a-z_]+)?\s+set\b/gi)) {
    const end = text.indexOf('`', m.index);
    out.push(text.slice(m.index, end === -1 ? undefined : end));
  }
  return out;
}

/** The UPDATEs of a source text that call one of the STABLE functions. */
function stableInUpdates(text: string): string[] {
  return updateStatements(text).filter((s) => STABLE.test(s));
}

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? sources(join(dir, e.name))
      : e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')
        ? [join(dir, e.name)]
        : [],
  );
}

describe('UPDATE statements Citus can run', () => {
  it('finds a STABLE function in an UPDATE, as the outcome writer once had', () => {
    const before = `await sql\`update messages m set status = u.status,
      variables = case when u.survey_id is null then m.variables
        else coalesce(m.variables, '{}'::jsonb) || jsonb_build_object('survey_id', u.survey_id) end
      from unnest(\${ids}::bigint[]) as u(id) where m.id = u.id\`.execute(db);`;
    expect(stableInUpdates(before)).toHaveLength(1);
    const after = before.replace("jsonb_build_object('survey_id', u.survey_id)", 'u.patch');
    expect(stableInUpdates(after)).toEqual([]);
  });

  it('calls none in any UPDATE under src/', () => {
    const found = sources(SRC).flatMap((file) =>
      stableInUpdates(readFileSync(file, 'utf8')).map(
        (s) => `${relative(SRC, file)}: ${s.slice(0, 80).replace(/\s+/g, ' ')}`,
      ),
    );
    expect(found).toEqual([]);
    // The scan reads the UPDATEs it should: the code base has dozens of them.
    const all = sources(SRC).flatMap((file) => updateStatements(readFileSync(file, 'utf8')));
    expect(all.length).toBeGreaterThan(30);
  });
});
