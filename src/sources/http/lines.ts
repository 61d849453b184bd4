import prettyBytes from 'pretty-bytes';
import { IngestError } from '../../errors.js';

const NEWLINE = 0x0a;

/**
 * Splits a byte stream into lines, one array per block received, so a body of any size is read at
 * constant memory (one block and one partial line at a time). Blank lines are dropped. Throws once
 * more than `maxBytes` have arrived: a body that never ends cannot fill the memory either.
 */
export async function* lineBatches(body: AsyncIterable<Buffer>, maxBytes = Infinity): AsyncGenerator<string[]> {
  let received = 0;
  let carry: Buffer | undefined;
  for await (const block of body) {
    received += block.length;
    if (received > maxBytes) throw new IngestError('E_SOURCE', `body larger than maxBytes (${prettyBytes(maxBytes)})`);
    const data = carry ? Buffer.concat([carry, block]) : block;
    const lines: string[] = [];
    let start = 0;
    for (let end = data.indexOf(NEWLINE); end !== -1; end = data.indexOf(NEWLINE, start)) {
      const line = data.toString('utf8', start, end).trim();
      if (line) lines.push(line);
      start = end + 1;
    }
    carry = start < data.length ? data.subarray(start) : undefined;
    if (lines.length > 0) yield lines;
  }
  const last = carry?.toString('utf8').trim();
  if (last) yield [last];
}
