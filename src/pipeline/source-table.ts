import { SOURCE_STATES, type SourceResult, type SourceState } from './events.js';

const COUNTERS = ['chunks', 'records', 'bytes', 'persisted', 'deadLettered', 'ms'] as const;
type Counter = (typeof COUNTERS)[number];
const stateCode = new Map(SOURCE_STATES.map((s, i) => [s, i]));

/**
 * Every source's result as a row of numbers: about 60 bytes a source, not an object of ten fields
 * (a million sources kept ~5 KB each alive until the summary). A source's result is an object
 * only while it runs; when it ends it is written here and dropped. Rows are in the order the
 * sources were taken from the feed.
 */
export class SourceTable {
  private names: string[] = [];
  private states: Uint8Array;
  private columns: Record<Counter, Float64Array>;
  /** Only the sources that failed or were stopped have one. */
  private errors = new Map<number, string>();
  private rows = 0;

  constructor(capacity = 1024) {
    const size = Math.max(16, capacity);
    this.states = new Uint8Array(size);
    this.columns = Object.fromEntries(COUNTERS.map((c) => [c, new Float64Array(size)])) as Record<Counter, Float64Array>;
  }

  get size() {
    return this.rows;
  }

  /** Writes row `index` (grows the table as needed). */
  set(index: number, result: SourceResult) {
    if (index >= this.states.length) this.grow(index + 1);
    this.names[index] = result.name;
    this.states[index] = stateCode.get(result.state)!;
    // Field by field, not a loop over the column names: this runs once per source, a million times.
    const c = this.columns;
    c.chunks[index] = result.chunks;
    c.records[index] = result.records;
    c.bytes[index] = result.bytes;
    c.persisted[index] = result.persisted;
    c.deadLettered[index] = result.deadLettered;
    c.ms[index] = result.ms;
    if (result.error !== undefined) this.errors.set(index, result.error);
    else if (this.errors.size > 0) this.errors.delete(index);
    if (index >= this.rows) this.rows = index + 1;
  }

  state(index: number): SourceState {
    return SOURCE_STATES[this.states[index]!]!;
  }

  /** Row `index` as the summary's entry. */
  get(index: number): SourceResult {
    const c = this.columns;
    const error = this.errors.get(index);
    const records = c.records[index]!;
    const persisted = c.persisted[index]!;
    const deadLettered = c.deadLettered[index]!;
    return {
      name: this.names[index]!,
      state: this.state(index),
      chunks: c.chunks[index]!,
      records,
      bytes: c.bytes[index]!,
      persisted,
      deadLettered,
      dropped: records - persisted - deadLettered,
      ms: c.ms[index]!,
      ...(error === undefined ? {} : { error }),
    };
  }

  /** The sum of a counter over every row. */
  sum(counter: Counter | 'dropped'): number {
    let n = 0;
    if (counter === 'dropped') {
      const { records, persisted, deadLettered } = this.columns;
      for (let i = 0; i < this.rows; i++) n += records[i]! - persisted[i]! - deadLettered[i]!;
      return n;
    }
    const column = this.columns[counter];
    for (let i = 0; i < this.rows; i++) n += column[i]!;
    return n;
  }

  /** How many rows are in each state. */
  countStates(): Record<SourceState, number> {
    const counts = SOURCE_STATES.map(() => 0);
    for (let i = 0; i < this.rows; i++) counts[this.states[i]!]! += 1;
    return Object.fromEntries(SOURCE_STATES.map((s, i) => [s, counts[i]!])) as Record<SourceState, number>;
  }

  private grow(atLeast: number) {
    let size = this.states.length;
    while (size < atLeast) size *= 2;
    const states = new Uint8Array(size);
    states.set(this.states);
    this.states = states;
    for (const c of COUNTERS) {
      const column = new Float64Array(size);
      column.set(this.columns[c]);
      this.columns[c] = column;
    }
  }
}
