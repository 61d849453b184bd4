import { lstatSync, mkdirSync, readdirSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { IngestError } from '../../errors.js';

/**
 * Where control sockets live when no path is given: a directory only this user can enter, so
 * nobody else can connect to a run (a Unix socket's own mode is not honoured everywhere; the
 * directory's is). `$XDG_RUNTIME_DIR/ingest-tui` (per user, on tmpfs, cleared at logout), else
 * `ingest-tui-<uid>` in the temp directory.
 */
export function controlDirectory(env: NodeJS.ProcessEnv = process.env): string {
  const runtime = env.XDG_RUNTIME_DIR;
  if (runtime && isAbsolute(runtime) && isPrivateDirectory(runtime)) return join(runtime, 'ingest-tui');
  return join(tmpdir(), `ingest-tui-${process.getuid?.() ?? 'user'}`);
}

/** A socket's file name in the directory: one per run (process). */
export const socketName = (pid = process.pid) => `run-${pid}.sock`;

/**
 * Sockets in the control directory left by runs of ours that died without cleaning up (kill -9, a
 * crash): a socket named run-PID.sock whose process is gone. Only those are removed; anything
 * else there stays as it is.
 */
export function removeLeftovers(dir: string): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const pid = Number(/^run-(\d+)\.sock$/.exec(name)?.[1]);
    if (!Number.isSafeInteger(pid) || pid <= 0 || pid === process.pid || alive(pid)) continue;
    const path = join(dir, name);
    try {
      if (lstatSync(path).isSocket()) unlinkSync(path);
    } catch {}
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // someone else's: not ours to judge
  }
}

/** A Unix socket's path must fit in sockaddr_un (108 bytes on Linux, 104 on macOS, with its NUL). */
const MAX_SOCKET_PATH = 103;

function isPrivateDirectory(path: string): boolean {
  try {
    const stat = lstatSync(path);
    return stat.isDirectory() && (process.getuid === undefined || stat.uid === process.getuid()) && (stat.mode & 0o077) === 0;
  } catch {
    return false;
  }
}

/**
 * The control directory, made if it is not there (0700), and checked if it is: a directory (not a
 * link to one), ours, that nobody else can enter. Anything else is refused, never changed.
 */
export function ensureControlDirectory(dir: string): string {
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST')
      throw new IngestError('E_USAGE', `--control: cannot make ${dir} (${(err as Error).message})`, { cause: err });
  }
  if (!isPrivateDirectory(dir))
    throw new IngestError('E_USAGE', `--control: ${dir} is not a directory of yours that only you can enter (mode 0700); not using it (give --control a path)`);
  return dir;
}

/** A path a socket can be made at: nothing there yet (we never replace what someone else made), and short enough. */
export function checkSocketPath(path: string, flag: string): void {
  if (Buffer.byteLength(path) > MAX_SOCKET_PATH)
    throw new IngestError('E_USAGE', `${flag}: ${path} is too long for a socket (at most ${MAX_SOCKET_PATH} bytes)`);
  let taken = true;
  try {
    lstatSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
      throw new IngestError('E_USAGE', `${flag}: cannot use ${path} (${(err as Error).message})`, { cause: err });
    taken = false;
  }
  if (taken) throw new IngestError('E_OVERWRITE', `${flag}: ${path} already exists; ingest-tui did not make it and leaves it alone (give another path)`);
}
