import { once } from 'node:events';
import { UsageError } from '../errors.js';
import { HELP } from './routes/help.js';
import { type RunningServer, startServer } from './server.js';

/** Listen, or say plainly why not. */
export async function listen(port: number, log?: (line: string) => void): Promise<RunningServer> {
  try {
    return await startServer({ port, log });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new UsageError(`--port ${port}: already in use (--port 0 picks a free one)`, { cause: err });
    if (code === 'EACCES') throw new UsageError(`--port ${port}: not allowed (use a port above 1023)`, { cause: err });
    throw err;
  }
}

/** `ingest-tui serve`: print the URL and what is on offer, log requests, run until Ctrl-C/SIGTERM. */
export async function serveCommand(port: number): Promise<number> {
  const server = await listen(port, (line) => process.stderr.write(`${line}\n`));
  process.stdout.write(`ingest-tui serve: listening on ${server.url} (loopback only; Ctrl-C to stop)\n\n`);
  process.stdout.write(HELP.split('\n').slice(2).join('\n').replaceAll('{url}', server.url));
  const stop = new AbortController();
  const handlers = (['SIGINT', 'SIGTERM'] as const).map((signal) => {
    const handler = () => stop.abort();
    process.once(signal, handler);
    return () => process.off(signal, handler);
  });
  await once(stop.signal, 'abort');
  for (const off of handlers) off();
  await server.close();
  process.stderr.write('ingest-tui serve: stopped\n');
  return 0;
}
