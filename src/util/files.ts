import { constants, type Stats } from 'node:fs';
import { open } from 'node:fs/promises';
import prettyBytes from 'pretty-bytes';
import { ConfigError } from '../errors.js';

/** "a FIFO", "a character device"…: what a path is, for messages. */
export function fileType(info: Stats): string {
  if (info.isFile()) return 'a regular file';
  if (info.isDirectory()) return 'a directory';
  if (info.isFIFO()) return 'a FIFO';
  if (info.isCharacterDevice()) return 'a character device';
  if (info.isBlockDevice()) return 'a block device';
  if (info.isSocket()) return 'a socket';
  return 'not a regular file';
}

/**
 * The text of a small configuration file, which must be a regular file of at most `maxBytes`.
 * It is opened O_NONBLOCK and checked before a byte is read: a FIFO would hold open() or read()
 * in a threadpool thread until some writer came, and /dev/zero would fill the memory.
 */
export async function readSmallFile(path: string, maxBytes: number): Promise<string> {
  const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new ConfigError(`${fileType(info)}, not a regular file`);
    const buffer = Buffer.alloc(Math.min(info.size, maxBytes) + 1);
    let length = 0;
    while (length < buffer.length) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    if (length > maxBytes) throw new ConfigError(`larger than ${prettyBytes(maxBytes)} (a source file describes sources; "count" makes many of one)`);
    return buffer.toString('utf8', 0, length);
  } finally {
    await handle.close();
  }
}
