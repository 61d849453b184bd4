import { z } from 'zod';
import { IngestError } from '../errors.js';
import { sleep, sleepThroughAbort } from '../util/clock.js';
import { durationField, durationUpTo } from '../util/duration.js';
import { LIMITS } from '../util/limits.js';
import { ChunkCollector } from './chunks.js';
import { commonFields, defineKind, type SourceContext } from './source.js';

export const databaseSchema = z.strictObject({
  ...commonFields,
  kind: z.literal('database'),
  rows: z.int().min(0).max(LIMITS.chunks).default(100),
  chunkRows: z.int().min(1).max(LIMITS.chunkRecords).default(50),
  connectDelay: durationField.default(300),
  rowDelay: durationField.default(5),
  closeDelay: durationUpTo(LIMITS.cleanupMs, '10s').default(50),
  failAtRow: z.int().min(0).max(LIMITS.chunks).optional(),
});
type Config = z.output<typeof databaseSchema>;

/** A pretend database driver: connecting, each row and closing all cost a network round trip. */
class Connection implements AsyncDisposable {
  private constructor(
    private cfg: Config,
    private signal: AbortSignal,
    private note: (text: string) => void,
  ) {}

  static async open(cfg: Config, signal: AbortSignal, note: (text: string) => void) {
    note('connecting…');
    await sleep(cfg.connectDelay, signal);
    note('connection open');
    return new Connection(cfg, signal, note);
  }

  async *rows(from: number, signal: AbortSignal) {
    for (let id = from; id < this.cfg.rows; id++) {
      await sleep(this.cfg.rowDelay, signal);
      if (id === this.cfg.failAtRow) throw new IngestError('E_SOURCE', `query failed at row ${id}`);
      yield { id, source: this.cfg.name, amount: (id * 7919) % 10_000 };
    }
  }

  // Not abortable on purpose: cleanup must finish even when the source was cancelled.
  async [Symbol.asyncDispose]() {
    this.note('closing…');
    await sleepThroughAbort(this.cfg.closeDelay, this.signal);
    this.note('connection closed');
  }
}

/** The lecture's `async with` + `async for`: the connection closes on success, error and cancel. */
async function* readDatabase(cfg: Config, { signal, resumeFrom, note }: SourceContext) {
  await using db = await Connection.open(cfg, signal, note);
  let seq = resumeFrom?.seq ?? 0;
  const rows = new ChunkCollector<string>(cfg.chunkRows);
  for await (const row of db.rows(seq * cfg.chunkRows, signal)) {
    const line = JSON.stringify(row);
    const chunk = rows.add(line, Buffer.byteLength(line) + 1); // + 1: the newline a sink writes after it
    if (chunk) {
      yield { seq, ...chunk, cursor: { seq: seq + 1 } };
      seq += 1;
    }
  }
  const last = rows.rest();
  if (last) yield { seq, ...last, cursor: { seq: seq + 1 } };
}

export const database = defineKind('database', databaseSchema, (cfg, { slowmo }) => ({
  name: cfg.name,
  kind: 'database',
  expected: { chunks: Math.ceil(cfg.rows / cfg.chunkRows) },
  // --slowmo stretches the pretend network, so the driver above stays as plain as a real one.
  read: (ctx) => readDatabase({ ...cfg, connectDelay: cfg.connectDelay * slowmo, rowDelay: cfg.rowDelay * slowmo, closeDelay: cfg.closeDelay * slowmo }, ctx),
}));
