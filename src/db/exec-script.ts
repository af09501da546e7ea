import { type Kysely, sql } from 'kysely';

/**
 * Runs a script of statements one by one (PGlite's query protocol takes one statement at a time).
 * Statements end with `;` at the end of a line.
 */
export async function execScript(db: Kysely<unknown>, script: string): Promise<void> {
  for (const statement of script.split(/;\s*$/m)) {
    if (statement.trim()) await sql.raw(statement).execute(db);
  }
}
