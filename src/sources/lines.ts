import { isUtf8 } from 'node:buffer';
import prettyBytes from 'pretty-bytes';
import { byteSize } from '../util/bytes.js';
import { LIMITS } from '../util/limits.js';
import { type Batch, ChunkCollector } from './chunks.js';
import { UnreadableRecord } from './unreadable.js';

/**
 * The longest line a file or ndjson source hands on whole (16 MB, MongoDB's document limit, and
 * json-pages' default page limit). A line is held up to ~4 times over while it is joined, decoded,
 * parsed and written, so with a few sources running this keeps a process well under a gigabyte.
 */
export const DEFAULT_MAX_RECORD_BYTES = 16e6;
/** `maxRecordBytes` in a source file: a size, at most LIMITS.recordBytes. */
export const recordSize = byteSize.refine((n) => n <= LIMITS.recordBytes, `must be at most "${LIMITS.recordBytes / 1e6}mb"`);

const NEWLINE = 0x0a;
/** What an unreadable line keeps of itself for its dead letter. */
const EXCERPT_BYTES = 200;
const EXCERPT_CHARS = 200;

export type Line = string | UnreadableRecord;

/** `bytes`: what the chunk took from the input, newlines and blank lines included. */
export type LineChunk = Batch<Line>;

export interface LineOptions {
  chunkRecords: number;
  maxRecordBytes: number;
  /** Records to read past first (an HTTP body asked for again after a break). */
  skip?: number;
}

/**
 * NDJSON from a byte stream, `chunkRecords` records at a time. Each byte is looked at once, and
 * memory stays bounded whatever arrives: a line longer than maxRecordBytes is not kept (only its
 * start, for the dead letter), a line that is not valid UTF-8 becomes an UnreadableRecord, blank
 * lines are dropped. A chunk's `bytes` end just past its last line, so a cursor can point there.
 */
export async function* lineChunks(input: AsyncIterable<Buffer>, options: LineOptions): AsyncGenerator<LineChunk> {
  const lines = new LineSplitter(options);
  for await (const block of input) {
    for (const chunk of lines.push(block)) yield chunk;
  }
  for (const chunk of lines.end()) yield chunk;
}

/**
 * Splits blocks into lines and lines into chunks. A line that spans blocks is kept as the list of
 * its pieces, joined once when its newline arrives: appending each block to it and searching it
 * again from the start took 26 s for one 50 MB line. Past maxRecordBytes its pieces are let go and
 * only its length is counted. UTF-8 is checked once per block for the lines within it.
 */
export class LineSplitter {
  private readonly max: number;
  private skip: number;
  private readonly chunk: ChunkCollector<Line>;
  /** The line in progress, when it spans blocks. */
  private pieces: Buffer[] = [];
  private pending = 0;

  constructor(options: LineOptions) {
    this.max = options.maxRecordBytes;
    this.skip = options.skip ?? 0;
    this.chunk = new ChunkCollector(options.chunkRecords);
  }

  /** Bytes held of the line in progress: all of it, or past maxRecordBytes only its start. */
  get held(): number {
    return this.pieces.reduce((n, piece) => n + piece.length, 0);
  }

  /** The chunks that `block` completes; what follows its last newline waits for the next block. */
  push(block: Buffer): LineChunk[] {
    const done: LineChunk[] = [];
    let start = 0;
    let end = block.indexOf(NEWLINE);
    if (end !== -1 && this.pending > 0) {
      const size = this.pending + end + 1;
      this.add(this.joined(block.subarray(0, end)), size, done);
      start = end + 1;
      end = block.indexOf(NEWLINE, start);
    }
    if (end !== -1) {
      // A newline is never part of a multi-byte character: the lines are valid if all of them are.
      const last = block.lastIndexOf(NEWLINE);
      if (isUtf8(block.subarray(start, last))) start = this.addDecoded(block, start, last, done);
      for (; end !== -1 && start <= last; end = block.indexOf(NEWLINE, start)) {
        this.add(this.decoded(block, start, end, false), end + 1 - start, done);
        start = end + 1;
      }
    }
    if (start < block.length) this.keep(block.subarray(start));
    return done;
  }

  /** The last chunk: the last line if the input does not end with a newline, and blank lines. */
  end(): LineChunk[] {
    const done: LineChunk[] = [];
    if (this.pending > 0) {
      const size = this.pending;
      this.add(this.joined(Buffer.alloc(0)), size, done);
    }
    const last = this.chunk.rest();
    if (last) done.push(last);
    return done;
  }

  private add(record: Line | undefined, size: number, done: LineChunk[]) {
    if (record === undefined) {
      this.chunk.addBytes(size); // a blank line
    } else if (this.skip > 0) {
      // Handed on already (before the body broke off, or by the run this one resumes): neither
      // the record nor the bytes up to it count again.
      this.skip -= 1;
      this.chunk.discard();
    } else {
      const full = this.chunk.add(record, size);
      if (full) done.push(full);
    }
  }

  private keep(piece: Buffer) {
    const size = this.pending + piece.length;
    if (size <= this.max) this.pieces.push(piece);
    else if (this.pending <= this.max) this.pieces = [Buffer.concat([...this.pieces, piece], Math.min(size, EXCERPT_BYTES))];
    this.pending = size;
  }

  /** The line in progress, ended by `last`. */
  private joined(last: Buffer): Line | undefined {
    const size = this.pending + last.length;
    const pieces = this.pieces;
    this.pieces = [];
    this.pending = 0;
    if (size > this.max) return this.tooLarge(Buffer.concat([...pieces, last], Math.min(size, EXCERPT_BYTES)), size);
    const bytes = Buffer.concat([...pieces, last], size);
    return this.decoded(bytes, 0, size, false);
  }

  /**
   * The lines of valid UTF-8 in block[start, last]: decoded in one call, as the text's slices
   * (decoding each line by itself cost a native call per line). The byte offsets still come from
   * the block, for the lines' sizes. Returns where the next line starts.
   */
  private addDecoded(block: Buffer, start: number, last: number, done: LineChunk[]): number {
    const text = block.toString('utf8', start, last + 1);
    let at = 0;
    for (let end = start; start <= last; start = end + 1) {
      end = block.indexOf(NEWLINE, start);
      const to = text.indexOf('\n', at);
      const size = end - start;
      const line = size > this.max ? this.tooLarge(block.subarray(start, end), size) : text.slice(at, to).trim();
      this.add(line === '' ? undefined : line, size + 1, done);
      at = to + 1;
    }
    return start;
  }

  private decoded(block: Buffer, start: number, end: number, valid: boolean): Line | undefined {
    if (end - start > this.max) return this.tooLarge(block.subarray(start, end), end - start);
    if (!valid && !isUtf8(block.subarray(start, end))) return new UnreadableRecord('not valid UTF-8', excerpt(block.subarray(start, end)));
    const text = block.toString('utf8', start, end).trim();
    return text === '' ? undefined : text;
  }

  private tooLarge(start: Buffer, size: number): UnreadableRecord {
    return new UnreadableRecord(`record larger than maxRecordBytes (${prettyBytes(this.max)}): ${prettyBytes(size)}`, excerpt(start, size));
  }
}

/** The start of a line of `size` bytes, for its dead letter: UTF-8 as text, any other byte as \xNN. */
export function excerpt(bytes: Buffer, size = bytes.length): string {
  const head = bytes.subarray(0, EXCERPT_BYTES);
  const cut = size > head.length;
  let text = '';
  for (let i = 0; i < head.length && text.length < EXCERPT_CHARS; ) {
    const n = sequenceLength(head[i]!);
    if (cut && n > 0 && i + n > head.length) break; // a character the excerpt cuts in two
    if (n > 0 && isUtf8(head.subarray(i, i + n))) {
      text += head.toString('utf8', i, i + n);
      i += n;
    } else {
      text += `\\x${head[i]!.toString(16).padStart(2, '0')}`;
      i += 1;
    }
  }
  return text;
}

/** How many bytes a UTF-8 sequence with this first byte has; 0 when no sequence starts so. */
function sequenceLength(lead: number): number {
  if (lead < 0x80) return 1;
  if (lead >= 0xc2 && lead < 0xe0) return 2;
  if (lead >= 0xe0 && lead < 0xf0) return 3;
  if (lead >= 0xf0 && lead < 0xf5) return 4;
  return 0;
}
