import { close, constants, createReadStream, fstat, open, type Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Socket } from 'node:net';
import { addAbortSignal, type Readable } from 'node:stream';
import { promisify } from 'node:util';
import { IngestError } from '../errors.js';
import { fileType } from '../util/files.js';

const openFd = promisify(open);
const fstatFd = promisify(fstat);

/**
 * A file source's bytes, as a stream that every wait can leave. A regular file is read from
 * `start` as usual. A FIFO (named pipe, /dev/stdin when it is a pipe) is opened O_NONBLOCK and read
 * through a pipe handle on the event loop: a plain open() or read() of a FIFO waits for a writer in
 * a libuv threadpool thread, where no abort reaches it, and process.exit() joins those threads
 * (uv_library_shutdown) before it ends the process, so neither a timeout nor a second Ctrl-C could
 * end the run. A FIFO has no position: it is read from wherever its writer starts. Anything else
 * (a character device such as /dev/zero or a terminal, a socket, a directory) is refused before it
 * is opened.
 */
export async function openInput(path: string, start: number, signal: AbortSignal): Promise<Readable> {
  refuseUnlessReadable(path, await stat(path));
  signal.throwIfAborted();
  const fd = await openFd(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  try {
    const info = await fstatFd(fd); // the path may name something else by now
    refuseUnlessReadable(path, info);
    signal.throwIfAborted();
    if (info.isFile()) return createReadStream('', { fd, start, signal, highWaterMark: 256 * 1024 });
    return addAbortSignal(signal, new Socket({ fd, readable: true, writable: false }));
  } catch (err) {
    close(fd, () => {});
    throw err;
  }
}

function refuseUnlessReadable(path: string, info: Stats) {
  if (info.isFile() || info.isFIFO()) return;
  throw new IngestError('E_SOURCE', `${path} is ${fileType(info)}: a file source reads a regular file or a FIFO`);
}
