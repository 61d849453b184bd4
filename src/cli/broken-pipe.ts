/**
 * `ingest-tui --json | head -1`: when the reader of stdout (or stderr) goes away, a write fails
 * with EPIPE. Node ignores SIGPIPE, so without this the 'error' event is unhandled: a stack
 * trace, and the run dies without draining. Here the first EPIPE calls `onBroken` (the CLI stops
 * the run as it would on Ctrl-C, quietly), and the stream swallows whatever is written to it
 * after that: stdio streams cannot be destroyed, and every further write would fail again.
 */
export function watchBrokenPipes(onBroken: () => void, streams: NodeJS.WriteStream[] = [process.stdout, process.stderr]) {
  let broken = false;
  for (const stream of streams) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') throw err; // anything else is as unexpected as it was before
      stream.write = swallow as NodeJS.WriteStream['write'];
      if (broken) return;
      broken = true;
      onBroken();
    });
  }
  return {
    /** Whether a reader went away: the process then leaves with EXIT.EPIPE. */
    get broken() {
      return broken;
    },
  };
}

/** What a closed pipe does with a write: nothing, and says it is done. */
function swallow(this: NodeJS.WriteStream, ...args: unknown[]): boolean {
  const callback = args.find((a): a is () => void => typeof a === 'function');
  if (callback) process.nextTick(callback);
  return true;
}
