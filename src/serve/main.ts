/**
 * The offline server as a child of a run (see child.ts): it reports its URL to the parent over
 * IPC and leaves when the parent says so, or when the parent is gone for any reason at all.
 */
import { describeError } from '../errors.js';
import { listen } from './command.js';

try {
  const server = await listen(Number(process.argv[2] ?? 0));
  const stop = () => void server.close().finally(() => process.exit(0));
  process.on('disconnect', stop);
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.send?.({ url: server.url });
} catch (err) {
  process.send?.({ error: describeError(err) });
  process.exitCode = 1;
  process.disconnect?.();
}
