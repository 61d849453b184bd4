import { createWriteStream, type WriteStream } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { finished } from 'node:stream/promises';

/**
 * An append-only file of lines whose write() resolves once the data reached the OS, so a caller
 * that awaits it honours backpressure and knows what is persisted. Errors reject the write in
 * flight instead of crashing the process through an unhandled 'error' event.
 */
export class LineFile {
  private stream: WriteStream;
  private failure: Error | undefined;
  /** The file was opened (created): a failed open ('wx' on a file already there) never touched it. */
  opened: boolean;

  constructor(
    readonly path: string,
    flags: 'w' | 'wx' | 'a' = 'w',
    handle?: FileHandle,
  ) {
    this.stream = createWriteStream(path, { flags, fd: handle });
    this.opened = handle !== undefined;
    this.stream.once('open', () => {
      this.opened = true;
    });
    this.stream.on('error', (err) => {
      this.failure ??= err;
    });
  }

  /** Opened at once: a path that cannot be written (no such directory, a directory) fails here, not at the first write. */
  static async open(path: string, flags: 'w' | 'a' = 'w'): Promise<LineFile> {
    const handle = await open(path, flags);
    try {
      // An empty write reaches the file: /dev/full says ENOSPC now rather than at the first event.
      // writev, since FileHandle.write() skips the system call for an empty buffer.
      await handle.writev([Buffer.alloc(0)]);
    } catch (err) {
      await handle.close();
      throw err;
    }
    return new LineFile(path, flags, handle);
  }

  write(text: string | Buffer): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.stream.write(text, (err) => (err ? reject(err) : resolve()));
    });
  }

  async close(): Promise<void> {
    if (!this.stream.closed && !this.stream.destroyed) {
      this.stream.end();
      await finished(this.stream).catch((err) => {
        this.failure ??= err;
      });
    }
    if (this.failure) throw this.failure;
  }
}
