// The README's pictures: npm run demo [-- --record] [-- 01-gather ...]
//
// For each lecture scene below (01-gather, 02-wait-timeout) this runs the built CLI on its
// committed recording, `node dist/cli.js --replay docs/demo/NAME.events.ndjson`, in a real
// pseudo-terminal of 100x30 (util-linux `script`, TERM=xterm-256color, no CI variables, so it is
// the dashboard a class sees), types the scene's keys when the screen shows what they wait for
// (02: `p` at the deadline's pause; then `l` for the lesson, Esc, `q`), and writes:
//
//   docs/demo/NAME.cast  asciicast v2 of the session: starts at the first frame, ends at the `q`
//                        (`asciinema play docs/demo/NAME.cast` plays it in a terminal)
//   docs/demo/NAME.svg   the same as an animated SVG, looping: each screen is read off a headless
//                        xterm (@xterm/headless) and drawn cell for cell (colours, bold, faint;
//                        block glyphs as rectangles, so bars line up in any font)
//
// The recording is played, not a new run, so the picture is the same every time (only the
// frames' exact moments vary by a few ms). `--record` first records the scenes anew with the
// dashboard, `--sources fixtures/lecture/NAME --record docs/demo/NAME.events.ndjson` (its --out
// in a temporary directory): after a change that shows differently; commit the new recordings.
// test/demo.test.ts checks that the committed recordings still replay with the current build.
//
// Needs util-linux `script` and `stty` (Debian: bsdutils, coreutils), the devDependency
// @xterm/headless and dist/ (`npm run demo` builds it); says which is missing in one line and
// exits 1. Not part of `npm test` or CI: it types its keys in real time, about 30 s for both scenes.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = fileURLToPath(new URL('..', import.meta.url));
const docs = join(root, 'docs', 'demo');
const CLI = join(root, 'dist', 'cli.js');
const COLS = 100;
const ROWS = 30;

const ESC = '\x1b';
/** A screen test: the screen's text (rows joined with \n) matches. */
const shows = (pattern) => (text) => pattern.test(text);
/** The final picture (title, caption, timeline, totals), not the lesson view over it. */
const finalPicture = shows(/^states {3}\d+ done/m);
const lessonView = shows(/the lines that carry it/);

/**
 * The scenes. `keys`: in order, wait until the screen passes `when`, leave it there for `hold`
 * ms, type `key`. The last key (`q`) ends the cast: what follows is the dashboard leaving.
 * The holds are the only idle time in the picture (the CLI's start is cut off).
 */
const SCENES = [
  {
    name: '01-gather',
    sources: 'fixtures/lecture/01-gather',
    keys: [
      { when: finalPicture, hold: 3500, key: 'l' },
      { when: lessonView, hold: 4500, key: ESC },
      { when: finalPicture, hold: 1500, key: 'q' },
    ],
    record: [{ when: finalPicture, hold: 500, key: 'q' }],
  },
  {
    name: '02-wait-timeout',
    sources: 'fixtures/lecture/02-wait-timeout',
    keys: [
      { when: shows(/paused: time stands still/), hold: 2500, key: 'p' },
      { when: finalPicture, hold: 3500, key: 'l' },
      { when: lessonView, hold: 4500, key: ESC },
      { when: finalPicture, hold: 1500, key: 'q' },
    ],
    // Interactive, the run pauses at its deadline too: p goes on (the recording leaves pauses out).
    record: [
      { when: shows(/paused: time stands still/), hold: 500, key: 'p' },
      { when: finalPicture, hold: 500, key: 'q' },
    ],
  },
];

class DemoError extends Error {}
const fail = (message) => {
  throw new DemoError(message);
};

async function main() {
  const { values, positionals } = parseArgs({ options: { record: { type: 'boolean', default: false } }, allowPositionals: true });
  const scenes = positionals.length
    ? positionals.map((n) => SCENES.find((s) => s.name === n) ?? fail(`no scene ${n} (${SCENES.map((s) => s.name).join(', ')})`))
    : SCENES;
  const { Terminal } = await needTools();
  mkdirSync(docs, { recursive: true });
  for (const scene of scenes) {
    const recording = join(docs, `${scene.name}.events.ndjson`);
    if (values.record) {
      const out = mkdtempSync(join(tmpdir(), 'ingest-tui-demo-out-'));
      try {
        await runInTerminal(Terminal, [CLI, '--sources', scene.sources, '--record', recording, '--out', out], scene.record);
      } finally {
        rmSync(out, { recursive: true, force: true });
      }
      console.log(`${relative(root, recording)}: recorded`);
    }
    if (!existsSync(recording)) fail(`${relative(root, recording)} is missing: npm run demo -- --record makes it`);
    const session = await runInTerminal(Terminal, [CLI, '--replay', recording], scene.keys);
    const cast = toCast(session, `ingest-tui --sources ${scene.sources} (replay of ${relative(root, recording)})`);
    writeFileSync(join(docs, `${scene.name}.cast`), `${[cast.header, ...cast.events].map((e) => JSON.stringify(e)).join('\n')}\n`);
    styles.clear();
    hatches.clear();
    const frames = await screens(Terminal, cast);
    const svgFile = join(docs, `${scene.name}.svg`);
    writeFileSync(svgFile, renderSvg(frames, cast.duration));
    const kb = (file) => `${Math.round(statSync(file).size / 1024)} KB`;
    console.log(
      `${relative(root, svgFile)}: ${(cast.duration / 1000).toFixed(1)} s, ${frames.length} frames, ${kb(svgFile)} (cast ${kb(join(docs, `${scene.name}.cast`))})`,
    );
  }
}

/** Everything the script needs, or one line that says what is missing. */
async function needTools() {
  const script = spawnSync('script', ['--version'], { encoding: 'utf8' });
  if (script.error || !/util-linux/.test(script.stdout)) fail("needs util-linux's `script` on PATH (Debian: apt-get install bsdutils)");
  if (spawnSync('stty', ['--version']).error) fail('needs `stty` on PATH (Debian: apt-get install coreutils)');
  if (!existsSync(CLI)) fail('needs the built CLI, dist/cli.js: run npm run build (npm run demo does)');
  try {
    return (await import('@xterm/headless')).default;
  } catch {
    return fail('needs @xterm/headless, a devDependency: run npm install');
  }
}

const shellQuote = (s) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * Runs `node ARGS` in a pseudo-terminal of COLS x ROWS with util-linux script, which logs the
 * output and its timing; types `keys` as the screen (a headless xterm fed the same output) asks
 * for them. Resolves with the log, its timing and how many bytes had come when the last key went.
 */
async function runInTerminal(Terminal, args, keys) {
  const dir = mkdtempSync(join(tmpdir(), 'ingest-tui-demo-'));
  const timingFile = join(dir, 'timing');
  const outFile = join(dir, 'out');
  const env = { ...process.env, TERM: 'xterm-256color', SHELL: '/bin/sh', LANG: 'C.UTF-8' };
  for (const key of Object.keys(env)) if (key === 'CI' || key === 'CONTINUOUS_INTEGRATION' || key === 'NO_COLOR' || key.startsWith('CI_')) delete env[key];
  const command = `stty cols ${COLS} rows ${ROWS} && exec ${[process.execPath, ...args].map(shellQuote).join(' ')}`;
  const child = spawn('script', ['--quiet', '--echo', 'never', '--log-timing', timingFile, '--log-out', outFile, '--command', command], {
    cwd: root,
    env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const screen = new Terminal({ cols: COLS, rows: ROWS, allowProposedApi: true });
  let received = 0;
  let cutAt;
  let next = 0;
  let holding = false;
  let stderr = '';
  const timers = new Set();
  const deadline = setTimeout(() => child.kill('SIGTERM'), 90_000);
  const check = () => {
    const step = keys[next];
    if (!step || holding || !step.when(screenText(screen))) return;
    holding = true;
    const timer = setTimeout(() => {
      timers.delete(timer);
      next += 1;
      holding = false;
      if (next === keys.length) cutAt = received;
      child.stdin.write(step.key);
      check();
    }, step.hold);
    timers.add(timer);
  };
  child.stdout.on('data', (chunk) => {
    received += chunk.length;
    screen.write(chunk, check);
  });
  child.stderr.setEncoding('utf8').on('data', (s) => {
    stderr += s;
  });
  const code = await new Promise((resolve) => child.on('close', (c, signal) => resolve(c ?? signal)));
  clearTimeout(deadline);
  for (const timer of timers) clearTimeout(timer);
  try {
    if (next < keys.length) {
      const last = screenText(screen).split('\n').filter(Boolean).at(-1) ?? '(blank)';
      fail(
        `${args.slice(1).join(' ')}: ended (${code}) before key ${next + 1} of ${keys.length} could be typed; last line on screen: ${last.trim()}${stderr ? `; ${stderr.trim()}` : ''}`,
      );
    }
    if (code !== 0) fail(`${args.slice(1).join(' ')}: exit code ${code} in the terminal${stderr ? `: ${stderr.trim()}` : ''}`);
    const log = readFileSync(outFile);
    // The log opens with script's "Script started on ..." line and closes with "Script done ...".
    const start = log.indexOf(10) + 1;
    const timing = readFileSync(timingFile, 'utf8')
      .trim()
      .split('\n')
      .map((line) => line.split(' ').map(Number));
    return { output: log.subarray(start), timing, cutAt };
  } finally {
    screen.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}

function screenText(term) {
  const buffer = term.buffer.active;
  const rows = [];
  for (let y = 0; y < term.rows; y++) rows.push(buffer.getLine(buffer.baseY + y)?.translateToString(true) ?? '');
  return rows.join('\n');
}

/** Longest stillness kept in the cast: the holds above are shorter; anything longer is cut to it. */
const MAX_IDLE_MS = 5000;

/**
 * asciicast v2 from script's log: [seconds, "o", text] from the first output to the last key.
 * Chunks are decoded as a stream (a chunk may end inside a UTF-8 sequence).
 */
function toCast({ output, timing, cutAt }, title) {
  const decoder = new TextDecoder();
  const events = [];
  let offset = 0;
  let at = 0;
  let t0;
  let last = 0;
  let clock = 0;
  for (const [delay, bytes] of timing) {
    at += delay * 1000;
    if (offset >= (cutAt ?? Number.POSITIVE_INFINITY)) break;
    const end = Math.min(offset + bytes, cutAt ?? Number.POSITIVE_INFINITY);
    const text = decoder.decode(output.subarray(offset, end), { stream: true });
    offset = end;
    if (!text) continue;
    t0 ??= at;
    clock += Math.min(at - t0 - last, MAX_IDLE_MS);
    last = at - t0;
    events.push([Math.round(clock) / 1000, 'o', text]);
  }
  // The last frame stays until the moment the last key was typed.
  const typed = at - (t0 ?? 0);
  const duration = Math.round(clock + Math.min(Math.max(0, typed - last), MAX_IDLE_MS));
  return { header: { version: 2, width: COLS, height: ROWS, title, env: { TERM: 'xterm-256color' } }, events, duration };
}

/**
 * The screens the cast shows, each with the moment it appears (ms). A screen is taken after a
 * burst of output (nothing more within 15 ms) and never inside a synchronized update (?2026h ..
 * ?2026l), so no frame is half drawn. A screen is its rows; a row is its cells' runs.
 */
async function screens(Terminal, cast) {
  const term = new Terminal({ cols: COLS, rows: ROWS, allowProposedApi: true });
  const frames = [];
  let synchronized = false;
  for (let i = 0; i < cast.events.length; i++) {
    const [t, , text] = cast.events[i];
    await new Promise((resolve) => term.write(text, resolve));
    const on = text.lastIndexOf(`${ESC}[?2026h`);
    const off = text.lastIndexOf(`${ESC}[?2026l`);
    if (on !== off) synchronized = on > off;
    const nextAt = cast.events[i + 1]?.[0];
    if (synchronized || (nextAt !== undefined && nextAt - t < 0.015)) continue;
    const rows = readRows(term);
    const key = rows.join('\n');
    const at = Math.round((frames.length ? t : 0) * 1000); // the first frame from 0
    if (frames.at(-1)?.key === key) continue;
    frames.push({ at, rows, key });
  }
  term.dispose();
  return frames;
}

// --- drawing -------------------------------------------------------------------------------

const FONT_SIZE = 14;
const CELL_W = 8.4; // 0.6 em: a monospace cell
const LINE_H = 17;
const BASELINE = 13;
const BLOCK_GAP = 1;
/** The period of a shade's hatching. */
const HATCH = 3;
/** The width of a box-drawing line. */
const LINE = 1;
const PAD = 12;
const WIDTH = Math.round(COLS * CELL_W + 2 * PAD);
const HEIGHT = ROWS * LINE_H + 2 * PAD;
const FONT = "ui-monospace,SFMono-Regular,'DejaVu Sans Mono',Menlo,Consolas,'Liberation Mono',monospace";
// The 16 colours: black, red, green, yellow, blue, magenta, cyan, white; then the same, bright.
const NORMAL = ['#3f4451', '#e06c75', '#98c379', '#e5c07b', '#61afef', '#c678dd', '#56b6c2', '#d7dae0'];
const BRIGHT = ['#8a919e', '#ff7b86', '#b5e890', '#ffd68a', '#7dc4ff', '#de95f0', '#6ed5e2', '#ffffff'];
const THEME = { background: '#1e2127', foreground: '#d7dae0', ansi: [...NORMAL, ...BRIGHT] };
/** Faint text: this much of its colour over the background. */
const FAINT = 0.6;

function palette(n) {
  if (n < 16) return THEME.ansi[n];
  if (n < 232) {
    const level = (v) => (v === 0 ? 0 : 55 + v * 40);
    const i = n - 16;
    return hex(level(Math.floor(i / 36)), level(Math.floor(i / 6) % 6), level(i % 6));
  }
  const g = 8 + (n - 232) * 10;
  return hex(g, g, g);
}
const hex = (r, g, b) => `#${[r, g, b].map((v) => Math.round(v).toString(16).padStart(2, '0')).join('')}`;
const rgb = (color) => [1, 3, 5].map((i) => Number.parseInt(color.slice(i, i + 2), 16));
const mix = (fg, bg, share) => {
  const [a, b] = [rgb(fg), rgb(bg)];
  return hex(...a.map((v, i) => v * share + b[i] * (1 - share)));
};

function colorOf(cell, which) {
  const fg = which === 'fg';
  if (fg ? cell.isFgDefault() : cell.isBgDefault()) return undefined;
  const value = fg ? cell.getFgColor() : cell.getBgColor();
  if (fg ? cell.isFgRGB() : cell.isBgRGB()) return hex((value >> 16) & 255, (value >> 8) & 255, value & 255);
  return palette(value);
}

/**
 * Block elements and the box drawing the dashboard uses, drawn as rectangles (px, from the top
 * of the line) instead of glyphs: bars, lanes and axes line up whatever font the viewer has.
 * `shade`: ░ ▒ ▓, drawn as hatching that covers that share.
 */
const SHAPES = new Map();
{
  // A block leaves a pixel free above and below, as a terminal's line spacing does: a
  // timeline's lanes stay apart.
  const block = (ch, x, y, w, h, shade = 1) => {
    const top = Math.max(y * LINE_H, BLOCK_GAP);
    SHAPES.set(ch, { rects: [[x * CELL_W, top, w * CELL_W, Math.min((y + h) * LINE_H, LINE_H - BLOCK_GAP) - top]], shade });
  };
  block('█', 0, 0, 1, 1);
  block('▀', 0, 0, 1, 0.5);
  block('▐', 0.5, 0, 0.5, 1);
  block('▔', 0, 0, 1, 0.125);
  block('▕', 0.875, 0, 0.125, 1);
  block('░', 0, 0, 1, 1, 0.25);
  block('▒', 0, 0, 1, 1, 0.5);
  block('▓', 0, 0, 1, 1, 0.75);
  for (let eighths = 1; eighths <= 7; eighths++) {
    block(String.fromCodePoint(0x2580 + eighths), 0, 1 - eighths / 8, 1, eighths / 8); // ▁ … ▇
    block(String.fromCodePoint(0x2590 - eighths), 0, 0, eighths / 8, 1); // ▏ … ▉
  }
  // Light lines through the cell's middle, to its edges: up, right, down, left.
  const t = LINE;
  const cx = CELL_W / 2 - t / 2;
  const cy = Math.round(LINE_H / 2 - t / 2);
  const arms = { u: [cx, 0, t, cy + t], d: [cx, cy, t, LINE_H - cy], l: [0, cy, cx + t, t], r: [cx, cy, CELL_W - cx, t] };
  const box = (ch, rects) => SHAPES.set(ch, { rects, shade: 1 });
  box('─', [[0, cy, CELL_W, t]]);
  box('│', [[cx, 0, t, LINE_H]]);
  for (const [ch, which] of Object.entries({ '└': 'ur', '┘': 'ul', '┌': 'dr', '┐': 'dl', '├': 'udr', '┤': 'udl', '┬': 'ldr', '┴': 'lur', '┼': 'udlr' }))
    box(
      ch,
      [...which].map((arm) => arms[arm]),
    );
  const dash = LINE_H / 3;
  box(
    '┆',
    [0, 1, 2].map((k) => [cx, k * dash + dash / 4, t, dash / 2]),
  );
}

/**
 * Characters that any monospace font draws one cell wide, kept in runs of text: ASCII, Latin-1,
 * box drawing, general punctuation, arrows. Others (✔ ⏱ ⊘ …) are drawn one by one, fitted to their cells.
 */
const inRuns = (ch) => /^[\x20-\x7e\u00a0-\u00ff\u2500-\u257f\u2010-\u2027\u2190-\u2199]$/.test(ch);
/** Symbols some systems draw as colour emoji unless asked for text: U+FE0E asks. */
const EMOJI_LIKE = /[\u23e9-\u23fa\u25b6\u25c0\u2600-\u27bf]/;

/** One row as cells: char (one grapheme), width in cells, resolved colours and attributes. */
function readRows(term) {
  const buffer = term.buffer.active;
  const rows = [];
  const cell = buffer.getNullCell();
  for (let y = 0; y < term.rows; y++) {
    const line = buffer.getLine(buffer.baseY + y);
    const cells = [];
    for (let x = 0; line && x < term.cols; x++) {
      line.getCell(x, cell);
      const width = cell.getWidth();
      if (width === 0) continue; // the second half of a wide character
      let fg = colorOf(cell, 'fg') ?? THEME.foreground;
      let bg = colorOf(cell, 'bg');
      if (cell.isInverse()) [fg, bg] = [bg ?? THEME.background, fg];
      if (cell.isDim()) fg = mix(fg, bg ?? THEME.background, FAINT);
      if (cell.isInvisible()) fg = bg ?? THEME.background;
      cells.push({
        x,
        width,
        ch: cell.getChars() || ' ',
        fg,
        bg,
        bold: cell.isBold() !== 0,
        italic: cell.isItalic() !== 0,
        underline: cell.isUnderline() !== 0,
        strike: cell.isStrikethrough() !== 0,
      });
    }
    rows.push(rowMarkup(cells));
  }
  return rows;
}

const styles = new Map();
/** The CSS class of a text style (colour and attributes), made once per SVG. */
function styleClass(c) {
  const css = [`fill:${c.fg}`];
  if (c.bold) css.push('font-weight:bold');
  if (c.italic) css.push('font-style:italic');
  if (c.underline || c.strike) css.push(`text-decoration:${[c.underline && 'underline', c.strike && 'line-through'].filter(Boolean).join(' ')}`);
  const rule = css.join(';');
  if (!styles.has(rule)) styles.set(rule, `s${styles.size.toString(36)}`);
  return styles.get(rule);
}

const hatches = new Map();
/** Shades (░ ▒ ▓) as hatching in their colour, a quarter, half or three quarters covered: a texture, as on a terminal. */
function hatch(color, share) {
  const id = `h${share * 4}${color.slice(1)}`;
  if (!hatches.has(id)) {
    const stripe = px(HATCH * share);
    hatches.set(
      id,
      `<pattern id="${id}" width="${HATCH}" height="${HATCH}" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="${stripe}" height="${HATCH}" fill="${color}"/></pattern>`,
    );
  }
  return id;
}

const px = (v) => String(Math.round(v * 100) / 100);
const escapeXml = (s) => s.replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c]);

/** SVG for one row, its baseline at y 0: background rectangles, block glyphs, text runs. */
function rowMarkup(cells) {
  const parts = [];
  // Backgrounds, merged along the row.
  for (let i = 0; i < cells.length; ) {
    let j = i;
    while (j < cells.length && cells[j].bg !== undefined && cells[j].bg === cells[i].bg) j++;
    if (j > i) {
      const width = cells[j - 1].x + cells[j - 1].width - cells[i].x;
      parts.push(`<rect x="${px(cells[i].x * CELL_W)}" y="${-BASELINE}" width="${px(width * CELL_W)}" height="${LINE_H}" fill="${cells[i].bg}"/>`);
      i = j;
    } else i++;
  }
  // Shapes: one rectangle along the row while a full-width one repeats in one colour.
  for (let i = 0; i < cells.length; ) {
    const shape = SHAPES.get(cells[i].ch);
    if (!shape) {
      i++;
      continue;
    }
    const [first] = shape.rects;
    const spans = shape.rects.length === 1 && first[0] === 0 && first[2] === CELL_W;
    let j = i + 1;
    while (spans && j < cells.length && cells[j].ch === cells[i].ch && cells[j].fg === cells[i].fg) j++;
    const fill = shape.shade === 1 ? cells[i].fg : `url(#${hatch(cells[i].fg, shape.shade)})`;
    for (const [x, y, w, h] of shape.rects) {
      const width = spans ? (j - i) * CELL_W : w;
      parts.push(`<rect x="${px(cells[i].x * CELL_W + x)}" y="${px(y - BASELINE)}" width="${px(width)}" height="${px(h)}" fill="${fill}"/>`);
    }
    i = j;
  }
  // Text: runs of one style; spaces end a run unless underlined, inside a run they stay.
  const flush = (run) => {
    while (run.length && run.at(-1).ch === ' ') run.pop();
    if (!run.length) return;
    const text = run.map((c) => c.ch).join('');
    const width = run.at(-1).x + run.at(-1).width - run[0].x;
    const single = run.length === 1 && !inRuns(text);
    const glyph = single && EMOJI_LIKE.test(text) ? `${text}\ufe0e` : text;
    const fit = single ? ' lengthAdjust="spacingAndGlyphs"' : '';
    parts.push(`<text x="${px(run[0].x * CELL_W)}" textLength="${px(width * CELL_W)}"${fit} class="${styleClass(run[0])}">${escapeXml(glyph)}</text>`);
  };
  let run = [];
  let spaces = 0;
  for (const c of cells) {
    const blank = c.ch === ' ' && !c.underline && !c.strike;
    if (blank) {
      spaces += 1;
      if (run.length) run.push(c);
      if (spaces >= 3) {
        flush(run);
        run = [];
      }
      continue;
    }
    spaces = 0;
    const alone = SHAPES.has(c.ch) || !inRuns(c.ch) || c.width !== 1;
    const same = run.length && styleClass(run[0]) === styleClass(c);
    if (alone || !same) {
      flush(run);
      run = [];
    }
    if (SHAPES.has(c.ch)) continue;
    if (alone) flush([c]);
    else run.push(c);
  }
  flush(run);
  return parts.join('');
}

/**
 * The animated SVG: every distinct row once in <defs>; each frame a column of <use>s, the
 * frames side by side on one reel that a CSS animation moves by one frame at each frame's
 * moment, looping. With reduced motion: the last frame, still.
 */
function renderSvg(frames, duration) {
  const ids = new Map();
  const defs = [];
  const frameWidth = COLS * CELL_W;
  const reel = frames.map((frame, k) => {
    const uses = frame.rows.map((row, y) => {
      if (!row) return '';
      if (!ids.has(row)) {
        ids.set(row, ids.size.toString(36));
        defs.push(`<g id="r${ids.get(row)}">${row}</g>`);
      }
      return `<use href="#r${ids.get(row)}" y="${y * LINE_H + BASELINE}"/>`;
    });
    return `<g transform="translate(${px(k * frameWidth)})">${uses.join('')}</g>`;
  });
  const total = Math.max(duration, (frames.at(-1)?.at ?? 0) + 1000);
  const keyframes = frames.map((f, k) => `${Math.round((f.at / total) * 100000) / 1000}%{transform:translateX(${px(-k * frameWidth)}px)}`);
  const last = `translateX(${px(-(frames.length - 1) * frameWidth)}px)`;
  const css = [
    `text{white-space:pre}`,
    ...[...styles].map(([rule, name]) => `.${name}{${rule}}`),
    `#reel{animation:play ${total}ms steps(1,end) infinite}`,
    `@keyframes play{${keyframes.join('')}100%{transform:${last}}}`,
    `@media (prefers-reduced-motion:reduce){#reel{animation:none;transform:${last}}}`,
  ].join('\n');
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="${FONT}" font-size="${FONT_SIZE}">`,
    `<style>\n${css}\n</style>`,
    `<defs>${[...hatches.values(), ...defs].join('\n')}</defs>`,
    `<rect width="${WIDTH}" height="${HEIGHT}" rx="6" fill="${THEME.background}"/>`,
    `<svg x="${PAD}" y="${PAD}" width="${px(frameWidth)}" height="${ROWS * LINE_H}"><g id="reel">`,
    reel.join('\n'),
    '</g></svg>',
    '</svg>',
    '',
  ].join('\n');
}

try {
  await main();
} catch (err) {
  console.error(`demo: ${err instanceof DemoError ? err.message : (err?.stack ?? err)}`);
  process.exit(1);
}
