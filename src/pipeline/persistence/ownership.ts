import { type Stats, statSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { relative } from 'node:path';
import { z } from 'zod';
import { describeError, IngestError } from '../../errors.js';
import { show } from '../config.js';

/** In <out>/.checkpoints/. Not *.json: no source's checkpoint can have this name. */
export const MANIFEST_FILE = 'outputs.manifest';
const FORMAT = 'ingest-tui/outputs@1';

const manifestSchema = z.strictObject({
  format: z.literal(FORMAT),
  /**
   * By path relative to --out: how each file looked when the run that wrote it ended (size, and
   * mtime in whole seconds so that a copy keeping timestamps at second precision still counts).
   * Empty while a run writes it (or when that run was killed): then being listed is all we know.
   */
  files: z.record(z.string(), z.strictObject({ size: z.int().min(0).optional(), mtime: z.int().optional() })),
});
type Look = z.output<typeof manifestSchema>['files'][string];

/** A file in --out a run is about to remove, empty or rewrite, if it exists. */
export interface FileToReset {
  path: string;
  /** A checkpoint of ours describes it: ours even where no manifest lists it (an older version's --out). */
  vouched: boolean;
  /** --resume cuts it back to its checkpoint instead: only what was added since is someone else's. */
  kept?: boolean;
}

export interface Ownership {
  /** Refuses (E_OVERWRITE, the first file in order) unless every file that exists is ours. */
  check(files: FileToReset[]): void;
  /** Before the first write: these files are the run's (their look unknown until it ends). */
  claim(paths: string[]): Promise<void>;
  /** After the outputs are closed: remember how the claimed files look, to know them next time. */
  seal(): Promise<void>;
}

/**
 * Which files in --out ingest-tui wrote, so that starting over removes only those: a file
 * already there that no manifest lists (and no checkpoint vouches for), or that changed since
 * the run that wrote it ended, is refused with one line instead of being deleted. The manifest
 * is replaced atomically (temp file + rename) like the checkpoints beside it.
 */
export async function readOwnership(out: string, manifest: string): Promise<Ownership> {
  const files = await load(manifest);
  const claimed = new Set<string>();
  const nameOf = (path: string) => relative(out, path);
  const refuse = (path: string, why: string): never => {
    throw new IngestError('E_OVERWRITE', `--out ${show(out)}: ${show(path)} ${why}; move it or choose another --out`);
  };

  async function save() {
    const text = `${JSON.stringify({ format: FORMAT, files })}\n`;
    await writeFile(`${manifest}.tmp`, text);
    await rename(`${manifest}.tmp`, manifest);
  }

  return {
    check(toReset) {
      for (const { path, vouched, kept } of toReset) {
        const stats = statOf(path);
        if (!stats) continue;
        const look = files[nameOf(path)];
        if (!look) {
          if (!vouched) refuse(path, 'exists and was not written by ingest-tui');
        } else if (look.size !== undefined && stats.isFile()) {
          if (kept ? stats.size > look.size : stats.size !== look.size || seconds(stats) !== look.mtime) {
            refuse(path, kept ? 'grew since ingest-tui wrote it (--resume would cut it back to its checkpoint)' : 'changed since ingest-tui wrote it');
          }
        }
      }
    },
    async claim(paths) {
      for (const path of paths) {
        claimed.add(path);
        files[nameOf(path)] = {};
      }
      await save();
    },
    async seal() {
      for (const path of claimed) {
        const stats = statOf(path);
        if (stats?.isFile()) files[nameOf(path)] = { size: stats.size, mtime: seconds(stats) };
        else delete files[nameOf(path)];
      }
      await save();
    },
  };
}

const seconds = (stats: Stats) => Math.floor(stats.mtimeMs / 1000);

/** Synchronous: 10,000 sources are 10,000 stats, ~20 ms this way and ~0.3 s through promises. */
function statOf(path: string): Stats | undefined {
  try {
    return statSync(path, { throwIfNoEntry: false });
  } catch {
    return undefined; // ENOTDIR: --out is not a directory, which creating it reports
  }
}

async function load(manifest: string): Promise<Record<string, Look>> {
  let text: string;
  try {
    text = await readFile(manifest, 'utf8');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return {};
    throw new IngestError('E_OUT_DIR', `${show(manifest)}: cannot read (${describeError(cause)})`, { cause });
  }
  let parsed: z.ZodSafeParseResult<z.output<typeof manifestSchema>> | undefined;
  try {
    parsed = manifestSchema.safeParse(JSON.parse(text));
  } catch {
    parsed = undefined;
  }
  if (!parsed?.success) {
    throw new IngestError('E_CHECKPOINT', `${show(manifest)}: corrupt list of the files ingest-tui wrote; move it away to go by the checkpoints alone`);
  }
  return parsed.data.files;
}
