/**
 * A `WITH` item that locks the ingest_sources rows a statement is about to update, in the order
 * of their names. Every statement that updates several of them goes through it: two statements
 * locking the same rows in different orders deadlock (a worker's commit moving 100 sources'
 * cursors and its lease renewal moving all of them did, at 10,000 sources: "40P01: deadlock
 * detected"). A row a statement then updates is one it has locked already.
 *
 * `where` selects the rows (its parameters are the statement's); the item is named `locked`.
 */
export const lockInOrder = (table: string, where: string) => `locked AS (SELECT run, source FROM ${table} WHERE ${where} ORDER BY source FOR UPDATE)`;
