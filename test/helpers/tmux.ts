import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { CLI } from './cli.js';
import { tempDir } from './temp.js';

/** Our own tmux server (socket) per test process, without the user's config: nothing shared. */
const SOCKET = `ingest-tui-test-${process.pid}`;
const tmux = (...args: string[]) => spawnSync('tmux', ['-u', '-L', SOCKET, '-f', '/dev/null', ...args], { encoding: 'utf8' });

export const tmuxAvailable = () => spawnSync('tmux', ['-V']).status === 0;

let started = false;
const sh = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export interface TerminalRun {
  /** The screen, one string per row (tmux capture-pane). */
  screen(): string[];
  /** The screen as text, wrapped lines joined. */
  text(): string;
  /** The screen between two frames: captured until two captures in a row agree (no frame half drawn). */
  settledScreen(): Promise<string[]>;
  keys(...keys: string[]): void;
  resize(columns: number, rows: number): void;
  waitForScreen(pattern: RegExp, timeoutMs?: number): Promise<string[]>;
  /** The CLI's exit code, once it has exited. */
  exitCode(timeoutMs?: number): Promise<number>;
  /** After exit: whether the terminal is back in canonical mode with echo, and the cursor visible. */
  terminalRestored(): { canonical: boolean; echo: boolean; cursorVisible: boolean };
}

/**
 * Run the built CLI in a real pseudo-terminal of the given size. CI variables are removed so
 * the CLI (and Ink) behave as on a person's terminal; `env` adds or overrides.
 */
export function runInTerminal(args: string[], { columns = 100, rows = 30, env = {} as Record<string, string>, keepCi = false } = {}): TerminalRun {
  const dir = tempDir('ingest-tui-tty-');
  const codeFile = join(dir, 'code');
  const sttyFile = join(dir, 'stty');
  const name = `run-${Math.random().toString(36).slice(2, 8)}`;
  const vars = Object.entries(env)
    .map(([k, v]) => `${k}=${sh(v)}`)
    .join(' ');
  const unset = keepCi ? '' : '-u CI -u CONTINUOUS_INTEGRATION';
  writeFileSync(
    join(dir, 'run.sh'),
    `cd ${sh(dir)}\nenv ${unset} ${vars} ${sh(process.execPath)} ${sh(CLI)} ${args.map(sh).join(' ')}\necho $? > ${sh(codeFile)}.tmp && mv ${sh(codeFile)}.tmp ${sh(codeFile)}\nstty -a > ${sh(sttyFile)}\nexec sleep 120\n`,
  );
  const newSession = () => tmux('new-session', '-d', '-s', name, '-x', String(columns), '-y', String(rows), `sh ${sh(join(dir, 'run.sh'))}`);
  let r = newSession();
  // The server exits once the previous test's last session is killed; a session asked for in that
  // moment finds it going away. Ask again once it has gone.
  for (let i = 0; r.status !== 0 && /server exited unexpectedly/.test(r.stderr) && i < 5; i++) {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
    r = newSession();
  }
  if (r.status !== 0) throw new Error(`tmux new-session failed: ${r.stderr}`);
  if (!started) {
    started = true;
    after(() => void tmux('kill-server'));
  }
  after(() => void tmux('kill-session', '-t', name));
  const screen = () => tmux('capture-pane', '-p', '-t', name).stdout.replace(/\n$/, '').split('\n');
  // Lines the terminal wrapped (the summary table is wider than 80 columns) joined again.
  const text = () => tmux('capture-pane', '-p', '-J', '-t', name).stdout;
  return {
    screen,
    text,
    async settledScreen() {
      let last = screen();
      for (let i = 0; i < 50; i++) {
        await sleep(30);
        const next = screen();
        if (next.join('\n') === last.join('\n')) return next;
        last = next;
      }
      return last;
    },
    keys: (...keys) => void tmux('send-keys', '-t', name, ...keys),
    resize: (c, r2) => void tmux('resize-window', '-t', name, '-x', String(c), '-y', String(r2)),
    async waitForScreen(pattern, timeoutMs = 15_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        // One capture, tested and returned: two could straddle a redraw (the dashboard making way
        // for the final picture) and hand back a screen the pattern was never seen on.
        const seen = text();
        if (pattern.test(seen)) return seen.replace(/\n$/, '').split('\n');
        if (Date.now() > until) throw new Error(`timed out waiting for ${pattern} on screen:\n${text()}`);
        await sleep(50);
      }
    },
    async exitCode(timeoutMs = 15_000) {
      const until = Date.now() + timeoutMs;
      while (!existsSync(codeFile)) {
        if (Date.now() > until) throw new Error(`the CLI did not exit; screen:\n${screen().join('\n')}`);
        await sleep(50);
      }
      return Number(readFileSync(codeFile, 'utf8').trim());
    },
    terminalRestored() {
      const stty = readFileSync(sttyFile, 'utf8');
      const cursor = tmux('display-message', '-p', '-t', name, '#{cursor_flag}').stdout.trim();
      return { canonical: /(^|\s)icanon\b/.test(stty), echo: /(^|\s)echo\b/.test(stty), cursorVisible: cursor === '1' };
    },
  };
}
