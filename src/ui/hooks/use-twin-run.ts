import { type ChildProcess, spawn } from 'node:child_process';
import { dirname } from 'node:path';
import { useCallback, useEffect, useRef, useState } from 'react';
import { TWIN_MAX_LINES } from '../../pipeline/twin.js';

/** A twin runs a few seconds (06's 10,000 coroutines: ~3 s); past this it is stopped. */
const TWIN_RUN_LIMIT_MS = 15_000;

export interface TwinRun {
  state: 'idle' | 'running' | 'done' | 'failed';
  /** What it printed so far (stdout, then stderr on failure), a line each. */
  lines: string[];
  /** How it ended: "exit 0", "stopped", "python3 is not installed", … */
  status?: string;
}

/**
 * `python3 twin.py`, live, on request (y in the lesson view): its output replaces the recorded
 * one while it runs. Bounded (TWIN_RUN_LIMIT_MS) and cancellable: y again, or the dashboard
 * closing, kills it. Returns the run and a toggle.
 */
export function useTwinRun(program: string | undefined): [TwinRun, () => void] {
  const [run, setRun] = useState<TwinRun>({ state: 'idle', lines: [] });
  const child = useRef<ChildProcess>(undefined);

  const stop = useCallback(() => {
    child.current?.kill('SIGKILL');
    child.current = undefined;
  }, []);
  useEffect(() => stop, [stop]);

  const toggle = useCallback(() => {
    if (!program) {
      // A replayed recording whose twin is not a bundled scene's: running what it names is refused.
      setRun({ state: 'failed', lines: [], status: 'a replay runs only the twins of bundled scenes' });
      return;
    }
    if (child.current) {
      stop();
      setRun((r) => ({ ...r, state: 'failed', status: 'stopped' }));
      return;
    }
    const lines: string[] = [];
    let partial = '';
    const add = (text: string) => {
      const parts = (partial + text).split('\n');
      partial = parts.pop()!;
      lines.push(...parts);
      setRun({ state: 'running', lines: lines.slice(-TWIN_MAX_LINES) });
    };
    // -u: unbuffered, so its lines arrive as it prints them; cwd: the scenario's directory.
    const proc = spawn('python3', ['-u', program], {
      windowsHide: true,
      cwd: dirname(program),
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: TWIN_RUN_LIMIT_MS,
      killSignal: 'SIGKILL',
    });
    child.current = proc;
    setRun({ state: 'running', lines: [] });
    proc.stdout.setEncoding('utf8').on('data', add);
    proc.stderr.setEncoding('utf8').on('data', add);
    proc.on('error', (err: NodeJS.ErrnoException) => {
      if (child.current === proc) child.current = undefined;
      setRun({ state: 'failed', lines, status: err.code === 'ENOENT' ? 'python3 is not installed' : err.message });
    });
    proc.on('close', (code, signal) => {
      if (child.current !== proc) return; // stopped, or it never started: already said
      child.current = undefined;
      if (partial) lines.push(partial);
      const status = code === 0 ? 'exit 0' : signal ? `stopped after ${TWIN_RUN_LIMIT_MS / 1000} s` : `exit ${code}`;
      setRun({ state: code === 0 ? 'done' : 'failed', lines: lines.slice(-TWIN_MAX_LINES), status });
    });
  }, [program, stop]);

  return [run, toggle];
}
