import { spawn } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const preload = fileURLToPath(new URL('./rusage-preload.mjs', import.meta.url));
let runs = 0;

export interface Measured {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Spawn to exit, as `time` would say: startup included. */
  wallMs: number;
  /** From the kernel (getrusage) for Node processes; from the script's own report otherwise. */
  peakRssBytes?: number;
  cpuMs?: number;
  /** The lines of stdout that `keep` selected (all of them when no `keep` is given). */
  lines: string[];
  stderr: string;
}

export interface MeasureOptions {
  /** Run `command` as a Node script with the rusage preload. */
  node?: boolean;
  /** Extra Node flags (--cpu-prof, --max-semi-space-size...) before the script. */
  nodeFlags?: string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Keep only the stdout lines this accepts: a run may print a million events. */
  keep?: (line: string) => boolean;
  /** Killed after this long (default 5 minutes). */
  timeoutMs?: number;
  tmpDir: string;
}

/** Runs one process to its end and measures it from the outside. */
export async function measure(command: string, args: string[], options: MeasureOptions): Promise<Measured> {
  const rusageFile = join(options.tmpDir, `rusage-${process.pid}-${++runs}.json`);
  const [file, argv] = options.node ? [process.execPath, ['--import', preload, ...(options.nodeFlags ?? []), command, ...args]] : [command, args];
  const started = performance.now();
  const child = spawn(file, argv, {
    cwd: options.cwd,
    env: { ...process.env, NO_COLOR: '1', ...options.env, BENCH_RUSAGE_FILE: rusageFile },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let partial = '';
  child.stdout.setEncoding('utf8').on('data', (data: string) => {
    const parts = (partial + data).split('\n');
    partial = parts.pop()!;
    for (const line of parts) if (!options.keep || options.keep(line)) lines.push(line);
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (data: string) => {
    stderr = (stderr + data).slice(-20_000);
  });
  // A run that hangs (a dashboard waiting for a key, a deadlock) fails its case instead of the bench.
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 300_000);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (c, s) => resolve([c, s]));
  });
  const wallMs = performance.now() - started;
  clearTimeout(timer);
  if (partial && (!options.keep || options.keep(partial))) lines.push(partial);
  const rusage = await readFile(rusageFile, 'utf8').then(
    (text) => JSON.parse(text) as { peakRssBytes: number; cpuMs: number },
    () => undefined,
  );
  await rm(rusageFile, { force: true });
  return { code, signal, wallMs, peakRssBytes: rusage?.peakRssBytes, cpuMs: rusage?.cpuMs, lines, stderr };
}

/** Throws with the process's own words when it did not exit 0. */
export function expectOk(what: string, result: Measured): Measured {
  if (result.code !== 0) {
    throw new Error(`${what} exited ${result.code ?? result.signal}: ${result.stderr.trim().split('\n').slice(-5).join(' | ')}`);
  }
  return result;
}
