import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { IngestError } from '../errors.js';
import { entryPoint } from '../util/package-paths.js';

export interface ServeProcess extends AsyncDisposable {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

const entry = fileURLToPath(entryPoint('serve/main'));

/**
 * Starts the offline server in its own process for the length of a run. Its own process group,
 * so Ctrl-C reaches the run (which then stops gracefully) and not the server under it; and it
 * exits by itself if this process dies without stopping it (the IPC channel closes).
 */
export async function startServeProcess(port: number, startTimeoutMs = 10_000): Promise<ServeProcess> {
  const child = fork(entry, [String(port)], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], detached: true });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (text: string) => (stderr = (stderr + text).slice(-2000)));
  const exited = new Promise((resolve) => child.once('exit', resolve));

  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    await exited;
  };
  const fail = async (why: string): Promise<never> => {
    await stop();
    throw new IngestError('E_SOURCE', `cannot start the offline server: ${why}`);
  };

  const first = await new Promise<{ url?: string; error?: string }>((resolve) => {
    const timer = setTimeout(() => resolve({ error: `no answer within ${startTimeoutMs}ms` }), startTimeoutMs);
    const answer = (first: { url?: string; error?: string }) => {
      clearTimeout(timer);
      resolve(first);
    };
    child.once('message', (message) => answer(message as { url?: string; error?: string }));
    child.once('exit', (code) => answer({ error: stderr.trim().split('\n').at(-1) || `exited with code ${code}` }));
  });
  if (!first.url) return await fail(first.error ?? 'no URL');
  return { url: first.url, pid: child.pid!, stop, [Symbol.asyncDispose]: stop };
}
