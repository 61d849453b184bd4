import { readFile, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { packageRoot } from '../util/package-paths.js';
import type { Lesson } from './events.js';

/** A scenario's Python asyncio program (twin.py) and what it printed when run here (twin.out). */
export interface Twin {
  /** Absolute path of twin.py: the lesson view can run it (`y`) when python3 is there. */
  program: string;
  /** twin.out, a line each: shown next to this run's own account in the lesson view. */
  recorded: string[];
}

const TWIN_PROGRAM = 'twin.py';
const TWIN_OUTPUT = 'twin.out';
/** A twin prints a screenful at most: what the lesson view has room for. */
export const TWIN_MAX_LINES = 16;
const TWIN_MAX_BYTES = 4096;

/**
 * The twin of a lecture scenario directory, when it ships one (both files; neither is a source).
 * Its text is shown as is only through safeText: a directory may come from anyone.
 */
export async function loadTwin(dir: string): Promise<Twin | undefined> {
  const program = resolve(dir, TWIN_PROGRAM);
  const isFile = async (path: string) => (await stat(path).catch(() => undefined))?.isFile() === true;
  if (!(await isFile(program)) || !(await isFile(join(dir, TWIN_OUTPUT)))) return undefined;
  const text = (await readFile(join(dir, TWIN_OUTPUT), 'utf8')).slice(0, TWIN_MAX_BYTES);
  const recorded = text.replace(/\n+$/, '').split('\n').slice(0, TWIN_MAX_LINES);
  return { program, recorded };
}

const BUNDLED_SCENES = join(packageRoot, 'fixtures');

/**
 * How a recording names a twin: a bundled scene's by its place in the package
 * (`fixtures/lecture/01-gather/twin.py`), so that the recording replays with `y` on any machine
 * and says nothing about this one's directories; any other as it is.
 */
export function recordedProgram(program: string): string {
  const inPackage = relative(packageRoot, program);
  return inPackage.startsWith(`fixtures${sep}`) ? inPackage.split(sep).join('/') : program;
}

/**
 * The twin a replayed recording may run with `y`: only a bundled scene's twin.py, found by what
 * follows `fixtures/` in the recorded path (recorded here, or on another machine). A recording can
 * come from anyone, and `y` runs what it names with python3.
 */
export function replayedProgram(program: string): string | undefined {
  const slashed = `/${program.replaceAll('\\', '/')}`;
  const at = slashed.lastIndexOf('/fixtures/');
  if (at < 0) return undefined;
  const path = resolve(BUNDLED_SCENES, slashed.slice(at + '/fixtures/'.length));
  const inScenes = relative(BUNDLED_SCENES, path);
  if (inScenes.startsWith('..') || isAbsolute(inScenes) || !path.endsWith(`${sep}${TWIN_PROGRAM}`)) return undefined;
  return path;
}

/** `from` (a run-start, a snapshot) with its lesson's twin program changed by `change`. */
function withTwinProgram<T extends { lesson?: Lesson }>(from: T, change: (program: string) => string): T {
  const twin = from.lesson?.twin;
  if (!twin) return from;
  return { ...from, lesson: { ...from.lesson!, twin: { ...twin, program: change(twin.program) } } };
}

/** For a recording: the twin named so that any machine can replay it. */
export const portableTwin = <T extends { lesson?: Lesson }>(from: T): T => withTwinProgram(from, recordedProgram);

/**
 * From a recording or a control socket: `y` may run only a bundled scene's twin.py (empty: it
 * runs nothing; the recorded output still shows).
 */
export const onlyBundledTwin = <T extends { lesson?: Lesson }>(from: T): T => withTwinProgram(from, (program) => replayedProgram(program) ?? '');
