import { lstatSync, readlinkSync, realpathSync, type Stats, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { IngestError } from '../../errors.js';
import type { Source } from '../../sources/source.js';
import { DEFAULTS_FILE, type LoadedSources, show } from '../config.js';

/** A file the run may create, change or remove. */
export interface PlannedWrite {
  path: string;
  /** Who asked for it, as typed: "--out out", "--record r.ndjson". */
  flag: string;
  /** What it holds, for the message: `source "a"'s records`. */
  what: string;
}

/** A file the run reads. */
export interface RunInput {
  path: string;
  /** Ends the sentence "…, which …": `source "events" reads (s.json: path)`. */
  what: string;
  /** A sources directory: a *.json written straight into it would be read as a source next time. */
  sourcesDirectory?: boolean;
}

/**
 * Refuses a run that would write over something it reads (a file source's data, a source file,
 * the --replay recording) or that two of its outputs would share, before anything is written.
 * Paths are compared where they land: symlinks resolved (a path that does not exist yet through
 * its nearest existing parent), and existing files by device and inode, so a hard link counts.
 */
export function refuseOverlaps(writes: PlannedWrite[], inputs: RunInput[]): void {
  const locate = placeFinder();
  const readAt = new Map<string, RunInput>();
  const sourcesDirs = new Map<string, RunInput>();
  for (const input of inputs) {
    const place = locate(input.path);
    if (input.sourcesDirectory) sourcesDirs.set(place.real, input);
    else for (const key of keysOf(place)) if (!readAt.has(key)) readAt.set(key, input);
  }
  const writtenAt = new Map<string, PlannedWrite>();
  for (const write of writes) {
    const place = locate(write.path);
    const keys = keysOf(place);
    const input = keys.map((key) => readAt.get(key)).find(Boolean);
    if (input) refuse(write, `would overwrite ${show(write.path)}, which ${input.what}`);
    const dir = sourcesDirs.get(dirname(place.real));
    if (dir && place.real.endsWith('.json')) {
      refuse(write, `would write ${show(write.path)} into the sources directory (${dir.what}), where it would be read as a source`);
    }
    const other = keys.map((key) => writtenAt.get(key)).find((w) => w && w.flag !== write.flag);
    if (other) refuse(write, `would overwrite ${show(write.path)}, where ${other.flag} writes ${other.what}`);
    for (const key of keys) writtenAt.set(key, write);
  }
}

function refuse(write: PlannedWrite, why: string): never {
  throw new IngestError('E_OVERWRITE', `${write.flag}: ${why}`);
}

/** What a run reads: the source files (and ingest.json), each file source's data, a --replay recording. */
export function runInputs(loaded: LoadedSources, sources: Source[], sourcesFlag: string): RunInput[] {
  const inputs: RunInput[] = loaded.files.map((path) => ({
    path,
    what: basename(path) === DEFAULTS_FILE ? `holds the run defaults (${sourcesFlag})` : `is a source file (${sourcesFlag})`,
  }));
  if (loaded.directory) inputs.push({ path: loaded.dir, what: sourcesFlag, sourcesDirectory: true });
  // createSources() made one source per config, in order. "count": 1000 reads one file 1000 times.
  const seen = new Set<string>();
  sources.forEach((source, i) => {
    for (const [field, path] of Object.entries(source.reads ?? {})) {
      if (seen.has(path)) continue;
      seen.add(path);
      inputs.push({ path, what: `source ${JSON.stringify(source.name)} reads (${show(loaded.configs[i]!.file)}: ${field})` });
    }
  });
  return inputs;
}

interface Place {
  /** The path with every symlink resolved, as far as it exists. */
  real: string;
  /** "dev:ino" of an existing regular file. */
  id?: string;
}

const keysOf = (place: Place) => (place.id ? [place.real, place.id] : [place.real]);

/**
 * Where paths land, with each directory's real path looked up once. Synchronous on purpose: a
 * run with 10,000 sources plans 30,000 paths, and lstat without an Error per missing file takes
 * ~50 ms that way against ~1 s through the promise API.
 */
function placeFinder() {
  const dirs = new Map<string, string>();
  const realDir = (dir: string): string => {
    let real = dirs.get(dir);
    if (real === undefined) {
      real = locate(dir, 0).real;
      dirs.set(dir, real);
    }
    return real;
  };
  const idOf = (stats: Stats | undefined) => (stats?.isFile() ? `${stats.dev}:${stats.ino}` : undefined);

  function locate(path: string, depth: number): Place {
    const parent = dirname(path);
    let stats: Stats | undefined;
    try {
      stats = lstatSync(path, { throwIfNoEntry: false });
    } catch {
      stats = undefined; // ENOTDIR, EACCES: nothing there this run could overwrite
    }
    if (parent === path) return { real: path };
    if (!stats?.isSymbolicLink()) return { real: join(realDir(parent), basename(path)), id: idOf(stats) };
    try {
      const real = realpathSync(path);
      return { real, id: idOf(statSync(real)) };
    } catch {
      // A dangling link: writing through it creates its target, so that is where the path lands.
      if (depth > 40) return { real: path };
      return locate(resolve(realDir(parent), readlinkSync(path)), depth + 1);
    }
  }
  return (path: string) => locate(resolve(path), 0);
}
