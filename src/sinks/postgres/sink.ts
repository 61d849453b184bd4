import { finished } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { describeError, IngestError } from '../../errors.js';
import type { Sink, SinkChunk } from '../sink.js';
import type { Database } from './database.js';
import { lockInOrder } from './lock-order.js';

interface Pending {
  source: string;
  chunk: SinkChunk;
  /** The chunk's rows in COPY's text format, built when it was handed over (see copyText). */
  rows: string;
  resolve(): void;
  reject(err: unknown): void;
}

/** What COPY's text format escapes: backslash, tab, CR and LF. */
const COPY_SPECIAL = /[\\\t\n\r]/;
const COPY_SPECIALS = /[\\\t\n\r]/g;
const escapeChar = (c: string) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r');

/** A field of COPY's text format. Most JSON lines hold none of its specials: one scan, no copy. */
const copyField = (text: string) => (COPY_SPECIAL.test(text) ? text.replace(COPY_SPECIALS, escapeChar) : text);

/**
 * The chunk's rows as COPY text, or the index of a line holding \u0000 (jsonb cannot store it).
 * Built when the chunk is handed over, while an earlier transaction is on the server, so the
 * commit only streams it. A line without a backslash cannot hold the escape \u0000, so only
 * lines COPY escapes anyway are searched for it (not every line, as a separate scan did).
 */
function copyText(prefix: string, chunk: SinkChunk): string | number {
  let text = '';
  const { lines } = chunk;
  for (let idx = 0; idx < lines.length; idx++) {
    const line = lines[idx]!;
    let field = line;
    if (COPY_SPECIAL.test(line)) {
      if (line.includes('\\u0000')) return idx;
      field = line.replace(COPY_SPECIALS, escapeChar);
    }
    text += `${prefix}${chunk.seq}\t${idx}\t${field}\n`;
  }
  return text;
}

/**
 * --sink postgres: a chunk's rows, its dead letters and its source's checkpoint commit in one
 * transaction, so after a kill -9 and --resume every record is there exactly once, with nothing
 * to cut back. Rows go in through COPY. Group commit: while one transaction is being written,
 * the chunks of every source queue up and go together in the next (a source reads on while its
 * chunks are written: several of its own may share one).
 *
 * The checkpoint's UPDATE is also a fence: it moves only a row this worker holds (`owner`) and
 * only from the seq it expects. A worker that lost its sources (its lease ran out, another took
 * them over) commits nothing more: its chunk fails instead of doubling a record. Every row carries
 * the run (`run`: --fleet NAME, else DEFAULT_RUN), part of each table's key.
 */
export function postgresSink(db: Database, owner: string, run: string, options: { onLost?: (source: string) => void } = {}): Sink {
  let queue: Pending[] = [];
  let writing = false;
  let scheduled = false;
  let client: pg.PoolClient | undefined;
  const idle: Array<() => void> = [];
  const runField = copyField(run);
  const tables = { records: db.table('ingest_records'), deadLetters: db.table('ingest_dead_letters'), sources: db.table('ingest_sources') };

  /** The next transaction: every chunk queued, in order (a source's come in seq order). */
  function takeBatch(): Pending[] {
    const batch = queue;
    queue = [];
    return batch;
  }

  async function commit(batch: Pending[]): Promise<{ lost: Pending[] }> {
    // Per source: its chunks in this transaction move its checkpoint from the first's seq to past the last.
    const moves = new Map<string, { from: number; to: number; cursor: string; n: number; b: number }>();
    for (const { source, chunk } of batch) {
      const move = moves.get(source);
      if (move)
        Object.assign(move, { to: chunk.seq + 1, cursor: JSON.stringify(chunk.cursor), n: move.n + chunk.lines.length, b: move.b + chunk.rejected.length });
      else moves.set(source, { from: chunk.seq, to: chunk.seq + 1, cursor: JSON.stringify(chunk.cursor), n: chunk.lines.length, b: chunk.rejected.length });
    }
    const names = [...moves.keys()];
    const m = [...moves.values()];
    if (!client) {
      client = await db.pool.connect();
      // A server that goes away says so on the connection too: the query in flight fails with it.
      client.on('error', () => {});
    }
    const c = client;
    await c.query('BEGIN');
    try {
      const moved = await c.query<{ source: string }>(
        `WITH ${lockInOrder(tables.sources, 's.run = $8 AND s.source = c.source', {
          from: 'unnest($2::text[], $3::int[], $4::int[], $5::jsonb[], $6::int[], $7::int[]) AS c(source, seq, next, cursor, n, b)',
          columns: 'c.seq, c.next, c.cursor, c.n, c.b',
        })}
         UPDATE ${tables.sources} AS s
            SET next_seq = locked.next, cursor = locked.cursor, persisted = s.persisted + locked.n, dead_lettered = s.dead_lettered + locked.b,
                state = 'running', updated_at = now()
           FROM locked
          WHERE s.run = locked.run AND s.source = locked.source AND s.owner = $1 AND s.next_seq = locked.seq
      RETURNING s.source`,
        [owner, names, m.map((x) => x.from), m.map((x) => x.to), m.map((x) => x.cursor), m.map((x) => x.n), m.map((x) => x.b), run],
      );
      if (moved.rowCount !== names.length) {
        await c.query('ROLLBACK');
        const held = new Set(moved.rows.map((r) => r.source));
        return { lost: batch.filter((p) => !held.has(p.source)) };
      }
      if (batch.some((p) => p.chunk.lines.length > 0)) await copyRows(c, batch);
      const rejected = batch.flatMap((p) => p.chunk.rejected.map((r) => ({ source: p.source, seq: p.chunk.seq, ...r })));
      if (rejected.length > 0) {
        await c.query(
          `INSERT INTO ${tables.deadLetters} (run, source, seq, idx, reason, excerpt)
           SELECT $6, * FROM unnest($1::text[], $2::int[], $3::int[], $4::text[], $5::text[]) ON CONFLICT DO NOTHING`,
          [
            rejected.map((r) => r.source),
            rejected.map((r) => r.seq),
            rejected.map((r) => r.index),
            rejected.map((r) => r.reason),
            rejected.map((r) => r.excerpt),
            run,
          ],
        );
      }
      await c.query('COMMIT');
      return { lost: [] };
    } catch (err) {
      await c.query('ROLLBACK').catch(() => {});
      throw err;
    }
  }

  /** One COPY for the batch: each chunk's prebuilt text is one write (about 100 KB for 500 records). */
  async function copyRows(c: pg.PoolClient, batch: Pending[]) {
    const stream = c.query(copyFrom(`COPY ${tables.records} (run, source, seq, idx, record) FROM STDIN`));
    for (const { rows } of batch) {
      if (rows && !stream.write(rows)) await new Promise((resolve) => stream.once('drain', resolve));
    }
    stream.end();
    await finished(stream);
  }

  function writeQueued() {
    const batch = takeBatch();
    writing = true;
    commit(batch)
      .then(
        ({ lost }) => {
          const gone = new Set(lost);
          for (const p of batch) {
            if (!gone.has(p)) p.resolve();
            else {
              // Before the chunk fails: the pipeline stops the source as handed on, not as failed.
              options.onLost?.(p.source);
              p.reject(
                new IngestError(
                  'E_SINK',
                  `${p.source} is no longer this worker's in ${db.where} (its lease ran out and another worker holds it): nothing committed`,
                ),
              );
            }
          }
        },
        (cause) => {
          // The connection may be dead (the server went away): the next batch opens another.
          client?.release(cause as Error);
          client = undefined;
          const err = new IngestError('E_SINK', `PostgreSQL: ${describeError(cause)}`, { cause });
          for (const p of batch) p.reject(err);
        },
      )
      .finally(() => {
        writing = false;
        if (queue.length > 0) writeQueued();
        else for (const wake of idle.splice(0)) wake();
      });
  }

  const whenIdle = () => (!writing && queue.length === 0 ? Promise.resolve() : new Promise<void>((wake) => idle.push(wake)));

  return {
    kind: 'postgres',
    writeBehind: true,
    open: async () => {},
    write(source, chunk) {
      const rows = copyText(`${runField}\t${copyField(source)}\t`, chunk);
      // jsonb cannot hold U+0000: refuse this source's chunk rather than fail everyone's transaction.
      if (typeof rows === 'number')
        return Promise.reject(new IngestError('E_SINK', `record ${rows} of chunk ${chunk.seq} holds \\u0000, which PostgreSQL's jsonb cannot store`));
      return new Promise<void>((resolve, reject) => {
        queue.push({ source, chunk, rows, resolve, reject });
        // Wait one turn so chunks written together by many sources share a transaction.
        if (!writing && !scheduled) {
          scheduled = true;
          setImmediate(() => {
            scheduled = false;
            if (!writing && queue.length > 0) writeQueued();
          });
        }
      });
    },
    endSource: async () => {},
    flush: whenIdle,
    async close() {
      await whenIdle();
      client?.release();
      client = undefined;
      await db.close().catch(() => {});
    },
  };
}
