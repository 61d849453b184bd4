/** Records handed on together, and the bytes they took from the input. */
export interface Batch<T> {
  records: T[];
  /** Input bytes the batch stands for: its records', and any read past with them (blank lines). */
  bytes: number;
}

/**
 * Collect N records, hand them on as one chunk, start the next: the one place where the sources
 * that read record by record (a query's rows, a file's or a body's lines) cut their chunks. A
 * chunk is handed on the moment its last record arrives, never held back for the next one, so a
 * slow source's chunk is persisted while it waits.
 */
export class ChunkCollector<T> {
  private records: T[] = [];
  private bytes = 0;

  constructor(private readonly size: number) {
    if (!(size >= 1)) throw new RangeError(`a chunk holds at least one record (got ${size})`);
  }

  /** Adds a record that took `bytes` of input; returns the chunk it completed, if it did. */
  add(record: T, bytes: number): Batch<T> | undefined {
    this.bytes += bytes;
    return this.records.push(record) === this.size ? this.take() : undefined;
  }

  /** Input read with no record in it (a blank line): it belongs to the chunk in progress. */
  addBytes(bytes: number): void {
    this.bytes += bytes;
  }

  /** Drops what was collected, records and bytes (records read past, not handed on). */
  discard(): void {
    this.records = [];
    this.bytes = 0;
  }

  /** At the end of the input: the last, shorter chunk, or undefined when nothing is left over. */
  rest(): Batch<T> | undefined {
    return this.records.length > 0 || this.bytes > 0 ? this.take() : undefined;
  }

  private take(): Batch<T> {
    const batch = { records: this.records, bytes: this.bytes };
    this.records = [];
    this.bytes = 0;
    return batch;
  }
}
