import prettyBytes from 'pretty-bytes';
import { IngestError } from '../../errors.js';
import { type LineOptions, lineChunks } from '../lines.js';

/**
 * An NDJSON body in chunks of lines, through the splitter file sources use (one block and at most
 * one maxRecordBytes line in memory). Past `maxBytes` received (decompressed) the body is cut off
 * and the source fails: a body that never ends cannot run forever either.
 */
export function ndjsonChunks(body: AsyncIterable<Buffer>, options: LineOptions & { maxBytes: number }) {
  return lineChunks(atMost(body, options.maxBytes), options);
}

async function* atMost(body: AsyncIterable<Buffer>, maxBytes: number) {
  let received = 0;
  for await (const block of body) {
    received += block.length;
    if (received > maxBytes) throw new IngestError('E_SOURCE', `body larger than maxBytes (${prettyBytes(maxBytes)})`);
    yield block;
  }
}
