import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';

/**
 * Called in a worker thread whose work can wait: on a busy machine with few cores it and the main
 * thread compete for a core, and whatever it wins is event-loop lag for the pipeline. On Linux a
 * thread has its own niceness: this one steps back (nice 10), so the event loop runs first and
 * the worker takes what is left. Elsewhere (no /proc, or not allowed) it stays as it is.
 */
export function yieldToTheEventLoop(): void {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(tid) && tid !== process.pid) setPriority(tid, 10);
  } catch {
    // Same priority as the main thread.
  }
}
