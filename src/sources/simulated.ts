import { z } from 'zod';
import { IngestError } from '../errors.js';
import { sleep, sleepThroughAbort } from '../util/clock.js';
import { durationField, durationUpTo } from '../util/duration.js';
import { LIMITS } from '../util/limits.js';
import { untilAborted } from '../util/wait-list.js';
import { SourceRandom } from './random.js';
import { type Chunk, commonFields, defineKind, type SourceContext } from './source.js';

export const simulatedSchema = z
  .strictObject({
    ...commonFields,
    kind: z.literal('simulated'),
    chunks: z.int().min(0).max(LIMITS.chunks).default(10),
    recordsPerChunk: z.int().min(0).max(LIMITS.chunkRecords).default(10),
    latency: durationField.default(100),
    jitter: z.number().min(0).max(1).default(0),
    payloadBytes: z.int().min(0).max(1_000_000).default(16),
    failAt: z.int().min(0).max(LIMITS.chunks).optional(),
    hangAt: z.int().min(0).max(LIMITS.chunks).optional(),
    badRecords: z.number().min(0).max(1).default(0),
    /** Time the source's cleanup takes when it is cancelled or times out (shown as notes). */
    cleanup: durationUpTo(LIMITS.cleanupMs, '10s').optional(),
  })
  .refine((c) => c.recordsPerChunk * (c.payloadBytes + RECORD_OVERHEAD) <= LIMITS.chunkBytes, {
    path: ['recordsPerChunk'],
    message: `recordsPerChunk × payloadBytes makes a chunk larger than ${LIMITS.chunkBytes / 2 ** 20} MiB`,
  });

/** A record's bytes besides its payload: source, seq, index, value. */
const RECORD_OVERHEAD = 100;
type Config = z.output<typeof simulatedSchema>;

/** A fake remote source: every chunk costs `latency` of waiting, like a network round trip. */
async function* readSimulated(cfg: Config, seed: number, slowmo: number, { signal, resumeFrom, note }: SourceContext) {
  const numbers = new SourceRandom(seed, cfg.name);
  try {
    for (let seq = resumeFrom?.seq ?? 0; seq < cfg.chunks; seq++) {
      const random = numbers.chunk(seq); // the same numbers for the same chunk, on every run
      if (seq === cfg.hangAt) await untilAborted(signal); // a call that never answers
      await sleep(cfg.latency * (1 + cfg.jitter * (random.next() * 2 - 1)) * slowmo, signal);
      if (seq === cfg.failAt) throw new IngestError('E_SOURCE', `simulated failure at chunk ${seq}`);
      yield makeChunk(cfg, seq, random);
    }
  } catch (err) {
    // asyncio: `except CancelledError: await cleanup(); raise`. Only a cancelled (or timed-out)
    // task cleans up here; the cancellation then goes on up: never swallow it.
    if (signal.aborted && cfg.cleanup !== undefined) {
      note(`cleaning up after: ${(signal.reason as Error).message}`);
      await sleepThroughAbort(cfg.cleanup * slowmo, signal); // cleanup finishes, even after a cancel
      note('cleanup done');
    }
    throw err;
  }
}

/** 'x' × n, built once per length: every record of every source carries the same filler. */
const fillers = new Map<number, string>();
const filler = (n: number) => fillers.get(n) ?? fillers.set(n, 'x'.repeat(n)).get(n)!;

function makeChunk(cfg: Config, seq: number, random: SourceRandom): Chunk {
  const records: string[] = [];
  let bytes = 0;
  const payload = filler(cfg.payloadBytes);
  for (let index = 0; index < cfg.recordsPerChunk; index++) {
    const record = JSON.stringify({ source: cfg.name, seq, index, value: Math.round(random.next() * 1e6), payload });
    // A malformed record: the line is cut short, as a torn write or a bad upstream would leave it.
    const line = random.next() < cfg.badRecords ? record.slice(0, record.length >> 1) : record;
    records.push(line);
    bytes += Buffer.byteLength(line) + 1;
  }
  return { seq, records, bytes, cursor: { seq: seq + 1 } };
}

export const simulated = defineKind('simulated', simulatedSchema, (cfg, env) => ({
  name: cfg.name,
  kind: 'simulated',
  expected: { chunks: cfg.chunks },
  read: (ctx) => readSimulated(cfg, env.seed, env.slowmo, ctx),
}));
