import { EXIT, signalExitCode } from '../exit-codes.js';
import type { EventBus } from '../pipeline/events.js';
import type { CheckpointStore } from '../pipeline/persistence/checkpoints.js';
import { duration } from '../ui/format.js';
import type { Store } from '../ui/model/store.js';
import { formatReceipt } from '../ui/report/drain-receipt.js';

export interface InterruptOptions {
  bus: EventBus;
  /** The run's store: its per-source views are what the receipt lists (no second copy here). */
  store: Store;
  checkpoints?: CheckpointStore;
  out?: string;
  /** How long the first Ctrl-C may take to drain before the process leaves anyway. */
  graceMs: number;
  err?: NodeJS.WritableStream;
  /** Leave the process; `now` when nothing should be waited for (a second signal). */
  exit?: (code: number, now: boolean) => void;
}

/**
 * Ctrl-C (or SIGTERM) in two stages, whoever asked for it (a signal or the dashboard's key):
 * the first `stopping` event lets the pipeline drain — in-flight chunks persist, checkpoints
 * move, outputs close — and prints a drain receipt; if that takes longer than the grace period
 * the process leaves anyway. A second one (`force`) leaves at once. Either way nothing reported
 * persisted is lost: chunk events come only after the chunk and its checkpoint are written.
 */
export function watchInterrupts(options: InterruptOptions): () => void {
  const err = options.err ?? process.stderr;
  const exit = options.exit ?? leave;
  let timer: NodeJS.Timeout | undefined;

  const print = (headline: string) =>
    err.write(
      formatReceipt({
        headline,
        rows: [...options.store.getSnapshot().sources],
        checkpoint: (s) => options.checkpoints?.current(s),
        checkpointDir: options.checkpoints?.dir,
        continueWith: options.checkpoints?.continueWith,
        out: options.out,
      }),
    );

  const unsubscribe = options.bus.subscribe((event) => {
    switch (event.type) {
      case 'stopping': {
        const code = signalExitCode(event.reason);
        if (code === undefined) break;
        if (event.force) {
          clearTimeout(timer);
          print(`second ${event.reason}: leaving at once`);
          exit(code, true);
        } else {
          timer ??= setTimeout(() => {
            print(`${event.reason}: grace period of ${duration(options.graceMs)} ran out, leaving`);
            exit(code, false);
          }, options.graceMs);
        }
        break;
      }
      case 'summary':
        clearTimeout(timer);
        timer = undefined;
        if (signalExitCode(event.stoppedBy) !== undefined) print(`${event.stoppedBy}: drained, outputs flushed and closed`);
        break;
      default:
        break;
    }
  });
  return () => {
    clearTimeout(timer);
    unsubscribe();
  };
}

export function leave(code: number, now: boolean) {
  if (now) return exitNow(code);
  // Let what stdout holds (--json events) drain, but not for long.
  setTimeout(() => exitNow(code), 500).unref();
  process.stdout.write('', () => exitNow(code));
}

/**
 * process.exit() does not end the process at once: Node's exit handler first joins libuv's
 * threadpool threads (uv_library_shutdown). A thread stuck in a system call (an open() or read()
 * that waits for a FIFO's writer, a hung network file system, a slow DNS lookup) holds the exit
 * until that call returns, however long. So exit() is called at a moment when no threadpool work
 * is pending; if there is none within THREADPOOL_WAIT_MS, something is stuck there and the process
 * ends by its own signal instead, which waits for nothing: a shell sees the same status (130,
 * 143), a parent process sees the signal.
 */
function exitNow(code: number) {
  const signal = code === EXIT.SIGINT ? 'SIGINT' : code === EXIT.SIGTERM ? 'SIGTERM' : undefined;
  if (signal === undefined || !threadpoolBusy()) process.exit(code);
  if (waiting) return;
  waiting = true;
  const until = performance.now() + THREADPOOL_WAIT_MS;
  setInterval(() => {
    if (!threadpoolBusy()) process.exit(code);
    if (performance.now() < until) return;
    process.removeAllListeners(signal); // the default action back: terminate
    process.kill(process.pid, signal);
  }, 5);
}

let waiting = false;
const THREADPOOL_WAIT_MS = 250;

/** Requests that run on the threadpool, as process.getActiveResourcesInfo() names them. */
const THREADPOOL_WORK = /^(FSReq|GetAddrInfoReqWrap|GetNameInfoReqWrap)/;

export const threadpoolBusy = () => process.getActiveResourcesInfo().some((r) => THREADPOOL_WORK.test(r));
