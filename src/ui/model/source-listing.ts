import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../util/package-paths.js';

/**
 * The TypeScript of a source kind, as the lesson overlay shows it: the kind's `async function*`
 * (and what it leans on, when there is room), with its real line numbers so a lecturer can say
 * "line 31 is where it waits". Read from the package's own src/sources at run time, the same
 * file a student opens in an editor.
 */

export interface ListingLine {
  /** 1-based line number in the file; 0 for a "⋮" gap between excerpts. */
  no: number;
  text: string;
  /** The line awaits or yields: a point where the source hands control back to the event loop. */
  pause: boolean;
}

export interface Listing {
  /** Path shown above the code, relative to the package. */
  path: string;
  lines: ListingLine[];
  /** Lines of the chosen excerpts that did not fit (then `lines` leaves a row to say so). */
  cut: number;
}

interface Block {
  name: string;
  kind: 'generator' | 'function' | 'class' | 'other';
  /** 0-based, inclusive, leading comments included; `head` is the declaration's own line. */
  start: number;
  head: number;
  end: number;
}

const cache = new Map<string, string | undefined>();

/** A file of the package a lesson may show: only these two folders, plain names, never a path out. */
const SHOWABLE = /^src\/(sources|pipeline)\/[a-z][a-z0-9-]{0,40}\.ts$/;

/** The text of one of the package's own source files, or undefined (not one, or not shipped). */
function packageText(path: string): string | undefined {
  if (!SHOWABLE.test(path)) return undefined;
  if (!cache.has(path)) {
    let text: string | undefined;
    try {
      text = readFileSync(join(packageRoot, path), 'utf8');
    } catch {
      text = undefined;
    }
    cache.set(path, text);
  }
  return cache.get(path);
}

/** The source text of a kind, or undefined (no such kind, or the package ships without src). */
export function kindSourceText(kind: string): string | undefined {
  // The kind comes from a recording too: only plain names, never a path.
  if (!/^[a-z][a-z0-9-]{0,40}$/.test(kind)) return undefined;
  return packageText(kindSourcePath(kind));
}

export const kindSourcePath = (kind: string) => `src/sources/${kind}.ts`;

const DECLARATION = /^(?:export\s+)?(?:(async\s+function\s*\*)|(?:async\s+)?(function)\b|(class)\b|(?:const|let|type|interface)\b)\s*([\w$]+)?/;
const COMMENT = /^\s*(\/\/|\/\*|\*)/;

/** Top-level declarations of a TypeScript file, with their leading comments. */
export function declarations(text: string): Block[] {
  const lines = text.split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const match = DECLARATION.exec(lines[i]!);
    if (!match) continue;
    let start = i;
    while (start > 0 && COMMENT.test(lines[start - 1]!)) start -= 1;
    let end = i;
    if (!/;\s*$/.test(lines[i]!)) {
      // To its closing bracket at the margin, or to the line before the next top-level statement
      // (a chained `z\n  .strictObject(…)\n  .refine(…);` closes indented).
      const topLevel = (line: string) => /^[^\s})\]]/.test(line);
      while (end + 1 < lines.length && !/^[})\]]/.test(lines[end]!) && !topLevel(lines[end + 1]!)) end += 1;
      while (end > i && lines[end]!.trim() === '') end -= 1;
    }
    const kind = match[1] ? 'generator' : match[2] ? 'function' : match[3] ? 'class' : 'other';
    blocks.push({ name: match[4] ?? '', kind, start, head: i, end });
    i = end;
  }
  return blocks;
}

/**
 * What fits in `rows` lines: the generators first (cut if they must be), then the classes and
 * functions they use, whole, while there is room; shown in file order with "⋮" between.
 */
export function listing(text: string, path: string, rows: number): Listing {
  const lines = text.split('\n');
  const blocks = declarations(text);
  const size = (b: Block) => b.end - b.start + 1;
  let chosen = blocks.filter((b) => b.kind === 'generator');
  const total = () => chosen.reduce((sum, b) => sum + size(b), 0) + Math.max(0, chosen.length - 1);
  // Short of room, the code matters more than the comment above it.
  if (total() > rows) chosen = chosen.map((b) => ({ ...b, start: b.head }));
  let used = total();
  const body = chosen.map((b) => lines.slice(b.start, b.end + 1).join('\n')).join('\n');
  for (const b of blocks) {
    if ((b.kind !== 'class' && b.kind !== 'function') || !new RegExp(`\\b${b.name}\\b`).test(body)) continue;
    if (used + 1 + size(b) > rows) continue;
    chosen.push(b);
    used += 1 + size(b);
  }
  chosen.sort((a, b) => a.start - b.start);
  const out: ListingLine[] = [];
  for (const b of chosen) {
    if (out.length > 0) out.push({ no: 0, text: '⋮', pause: false });
    for (let i = b.start; i <= b.end; i++) {
      const line = lines[i]!.replace(/\t/g, '  ');
      out.push({ no: i + 1, text: line, pause: isPause(line) });
    }
  }
  // A cut listing ends with a line saying so: it needs one of the rows.
  const shown = out.length <= rows ? out.length : Math.max(0, rows - 1);
  return { path, lines: out.slice(0, shown), cut: out.length - shown };
}

export interface PointLines {
  path: string;
  lines: ListingLine[];
}

const isPause = (line: string) => !COMMENT.test(line) && /\b(await|yield)\b/.test(line);

/**
 * A lesson's points: for each, the first line of its file that contains `find` and the
 * `lines - 1` after it, grouped by file in the order given, each file's lines in file order.
 * A point not found (the code moved on) is left out; test/fixtures/lessons.test.ts keeps them found.
 */
export function pointLines(points: readonly { file: string; find: string; lines?: number }[]): PointLines[] {
  const files = new Map<string, Map<number, ListingLine>>();
  for (const point of points) {
    const text = packageText(point.file);
    if (text === undefined) continue;
    const lines = text.split('\n');
    const at = lines.findIndex((l) => l.includes(point.find));
    if (at < 0) continue;
    let shown = files.get(point.file);
    if (!shown) {
      shown = new Map();
      files.set(point.file, shown);
    }
    for (let i = at; i < Math.min(lines.length, at + (point.lines ?? 1)); i++) {
      const line = lines[i]!.replace(/\t/g, '  ');
      shown.set(i + 1, { no: i + 1, text: line, pause: isPause(line) });
    }
  }
  return [...files].map(([path, shown]) => {
    const lines = [...shown.values()].sort((a, b) => a.no - b.no);
    // Side by side with the snippets, the excerpt's own margin only costs columns.
    const margin = Math.min(...lines.map((l) => /^ */.exec(l.text)![0].length));
    return { path, lines: lines.map((l) => ({ ...l, text: l.text.slice(margin) })) };
  });
}
