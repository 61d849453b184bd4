import { createWriteStream, type WriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';

/**
 * An append-only file of lines whose write() resolves once the data reached the OS, so a caller
 * that awaits it honours backpressure and knows what is persisted. Errors reject the write in
 * flight instead of crashing the process through an unhandled 'error' event.
 */
export class LineFile {
  private stream: WriteStream;
  private failure: Error | undefined;

  constructor(readonly path: string, flags: 'w' | 'a' = 'w') {
    this.stream = createWriteStream(path, { flags });
    this.stream.on('error', (err) => {
      this.failure ??= err;
    });
  }

  write(text: string): Promise<void> {
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
