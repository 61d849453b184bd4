import type pg from 'pg';
import { type Database, inTransaction } from './database.js';
import { lockInOrder } from './lock-order.js';

interface Ending {
  name: string;
  state: string;
  error: string | undefined;
  resolve(written: boolean): void;
  reject(reason: unknown): void;
}

/**
 * Writes sources' final states into ingest_sources for the worker `owner` of run `run`, only for
 * rows it still holds (`end` resolves false for one it had lost). Sources that end in the same
 * turn of the loop share one transaction: 10,000 short sources would otherwise spend a commit's
 * flush each (3 to 10 s here). `inside` runs in that transaction when it wrote any row (a
 * fleet's NOTIFY, delivered at commit).
 */
export function sourceEnds(db: Database, run: string, owner: string, inside?: (client: pg.PoolClient) => Promise<unknown>) {
  const table = db.table('ingest_sources');
  let queue: Ending[] = [];
  let writing = false;

  async function writeAll() {
    if (writing) return;
    writing = true;
    try {
      while (queue.length > 0) {
        await new Promise((turn) => setImmediate(turn)); // the sources ending in this turn go together
        const batch = queue;
        queue = [];
        try {
          const written = await inTransaction(db, async (client) => {
            const { rows } = await client.query<{ source: string }>(
              `WITH ${lockInOrder(table, 's.run = $1 AND s.owner = $2 AND s.source = f.source', {
                from: 'unnest($3::text[], $4::text[], $5::text[]) AS f(source, state, error)',
                columns: 'f.state, f.error',
              })}
               UPDATE ${table} AS s SET state = locked.state, error = locked.error, owner = NULL, lease_until = NULL, updated_at = now()
                 FROM locked WHERE s.run = locked.run AND s.source = locked.source
            RETURNING s.source`,
              [run, owner, batch.map((e) => e.name), batch.map((e) => e.state), batch.map((e) => e.error ?? null)],
            );
            if (rows.length > 0) await inside?.(client);
            return new Set(rows.map((r) => r.source));
          });
          for (const e of batch) e.resolve(written.has(e.name));
        } catch (err) {
          for (const e of batch) e.reject(err);
        }
      }
    } finally {
      writing = false;
    }
  }

  return {
    end(name: string, state: string, error?: string): Promise<boolean> {
      return new Promise((resolve, reject) => {
        queue.push({ name, state, error, resolve, reject });
        void writeAll();
      });
    },
  };
}
