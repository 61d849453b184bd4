/**
 * A `WITH` item that locks the ingest_sources rows a statement is about to update, in the order
 * of their names. Every statement that updates several of them goes through it: two statements
 * locking the same rows in different orders deadlock (a worker's commit moving 100 sources'
 * cursors and its lease renewal moving all of them did, at 10,000 sources: "40P01: deadlock
 * detected"). The statement then updates `FROM locked`, joining on (run, source): rows it holds.
 *
 * `where` selects the rows of `s` (the table; its parameters are the statement's). `carry` joins
 * per-row values in (an `unnest(...) AS c(source, ...)` of the statement's arrays) and keeps
 * `columns` of them in `locked`: joined here, by each value's source, they cost an index lookup
 * each; joined in the UPDATE instead, the planner (which guesses 10 rows for an unnest) compared
 * each of 500 against each of 500 (90 ms a commit).
 */
export function lockInOrder(table: string, where: string, carry?: { from: string; columns: string }): string {
  const columns = carry ? `s.run, s.source, ${carry.columns}` : 's.run, s.source';
  const from = carry ? `${carry.from} JOIN ${table} AS s ON ${where}` : `${table} AS s WHERE ${where}`;
  return `locked AS (SELECT ${columns} FROM ${from} ORDER BY s.source FOR UPDATE OF s)`;
}
