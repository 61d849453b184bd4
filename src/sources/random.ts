/**
 * Deterministic randomness for simulated sources: the same seed, source name and chunk always
 * give the same numbers, so runs repeat and a resumed run regenerates the same chunk. The numbers
 * of a chunk are mulberry32 seeded with FNV-1a of "seed NUL name NUL seq".
 */

/**
 * A source holds one and reseeds it per chunk, rather than making a generator per chunk: at
 * 100,000 chunks a second those closures lived across a sleep each and were promoted to the old
 * generation (+25 MiB at 10,000 sources).
 */
export class SourceRandom {
  private readonly prefix: number;
  private state = 0;
  constructor(seed: number, name: string) {
    this.prefix = hashPart(hashPart(FNV_OFFSET, seed, false), name, true);
  }
  /** Starts chunk `seq`'s numbers. */
  chunk(seq: number): this {
    this.state = hashPart(this.prefix, seq, true) >>> 0;
    return this;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    return mulberryOutput(this.state);
  }
}

/** A small, fast 32-bit generator: uniform numbers in [0, 1) from a 32-bit state. */
export function mulberry32(state: number): () => number {
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    return mulberryOutput(state);
  };
}

function mulberryOutput(state: number): number {
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

const FNV_OFFSET = 2166136261;

/**
 * One step of FNV-1a over parts joined by NUL, code point by code point (the first UTF-16 unit
 * of each), without building the joined string: this runs once per simulated chunk.
 */
function hashPart(h: number, part: string | number, separated: boolean): number {
  if (separated) h = Math.imul(h ^ 0, 16777619);
  const text = String(part);
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    h = Math.imul(h ^ unit, 16777619);
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) i++; // skip the low surrogate
  }
  return h;
}
