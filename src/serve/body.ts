import { once } from 'node:events';
import type { ServerResponse } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises'; // wall time; the run's clock has sleep()
import { untilAborted } from '../util/wait-list.js';
import type { Faults } from './faults.js';

/**
 * Writes a body at most `rate` bytes per second, honouring backpressure. `gone` aborts when the
 * client hangs up, so a dripping body stops at once instead of writing into a closed socket.
 */
export class PacedWriter {
  private sent = 0;
  private readonly started = performance.now();
  private readonly piece: number;

  constructor(
    private res: ServerResponse,
    private rate: number | undefined,
    private gone: AbortSignal,
  ) {
    // Small pieces when dripping, so the client sees a steady trickle rather than bursts.
    this.piece = rate === undefined ? 256 * 1024 : Math.max(16, Math.round(rate / 20));
  }

  async write(text: string): Promise<void> {
    for (let at = 0; at < text.length; at += this.piece) {
      const part = text.slice(at, at + this.piece);
      this.gone.throwIfAborted();
      if (!this.res.write(part)) await once(this.res, 'drain', { signal: this.gone });
      this.sent += part.length;
      if (this.rate !== undefined) {
        const due = (this.sent / this.rate) * 1000 - (performance.now() - this.started);
        if (due > 0) await delay(due, undefined, { signal: this.gone });
      }
    }
  }

  /** Resolves once everything written so far has been handed to the kernel. */
  async drained(): Promise<void> {
    await new Promise<void>((resolve) => this.res.write('', () => resolve()));
  }
}

/** The status fault: an error answer instead of the body (with Retry-After when asked). */
export function sendStatus(res: ServerResponse, faults: Faults): boolean {
  if (faults.status === undefined) return false;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (faults.retryAfter !== undefined) headers['retry-after'] = String(faults.retryAfter);
  res.writeHead(faults.status, headers);
  res.end(`${JSON.stringify({ error: `injected fault: status ${faults.status}` })}\n`);
  return true;
}

/** NDJSON lines with the line faults applied: torn records, a reset or a stall after N records. */
export async function sendLines(res: ServerResponse, lines: Iterable<string>, faults: Faults, gone: AbortSignal) {
  await delay(faults.delayMs, undefined, { signal: gone });
  if (sendStatus(res, faults)) return;
  res.writeHead(200, { 'content-type': 'application/x-ndjson' });
  const out = new PacedWriter(res, faults.rate, gone);
  let batch = '';
  let n = 0;
  for (const line of lines) {
    if (n === faults.resetAt || n === faults.stallAt) {
      await out.write(batch);
      await out.drained();
      if (n === faults.stallAt) await untilAborted(gone);
      // Closed under the body: the client sees the connection end mid-body (ECONNRESET to got).
      // A close rather than a TCP RST, so every record sent before it arrives, run after run.
      res.socket?.destroy();
      return;
    }
    n += 1;
    batch += `${faults.malformed && n % faults.malformed === 0 ? line.slice(0, line.length >> 1) : line}\n`;
    if (batch.length >= 64 * 1024 || faults.rate !== undefined) {
      await out.write(batch);
      batch = '';
    }
  }
  await out.write(batch);
  res.end();
}
