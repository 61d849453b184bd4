import { stat } from 'node:fs/promises';
import { ConfigError } from '../errors.js';
import { createSources, loadSources, show } from '../pipeline/config.js';
import { safeText } from '../util/sanitize.js';
import { bundledFixtures, locateSources } from './scenarios.js';
import { DEFAULTS } from './settings.js';

/**
 * `ingest-tui validate DIR`: everything a run checks before it starts, and no run: the files and
 * their fields, unique names, the paths file sources read. Prints what would run; exit 0, or the
 * run's own one-line error and exit 2.
 */
export async function validateSources(pathArg: string | undefined, write: (text: string) => void): Promise<number> {
  const loaded = await loadSources(pathArg ? locateSources(pathArg) : bundledFixtures);
  const sources = createSources(loaded.configs, {
    seed: loaded.defaults.seed ?? DEFAULTS.seed,
    slowmo: loaded.defaults.slowmo ?? DEFAULTS.slowmo,
    serveUrl: loaded.defaults.serve ? 'http://127.0.0.1:0' : undefined,
  });
  // A path a file source reads that is not there is caught here, not when the source starts.
  const checked = new Set<string>();
  for (const [i, source] of sources.entries()) {
    for (const [field, path] of Object.entries(source.reads ?? {})) {
      if (checked.has(path)) continue;
      checked.add(path);
      await stat(path).catch((cause: NodeJS.ErrnoException) => {
        throw new ConfigError(`${show(loaded.configs[i]!.file)}: ${field}: ${show(path)}: ${cause.code === 'ENOENT' ? 'no such file' : cause.code}`, { cause });
      });
    }
  }
  const kinds = new Map<string, number>();
  for (const c of loaded.configs) kinds.set(c.kind, (kinds.get(c.kind) ?? 0) + 1);
  const d = loaded.defaults;
  const settings = [
    `concurrency ${d.concurrency ?? DEFAULTS.concurrency}`,
    d.timeout !== undefined ? `timeout ${seconds(d.timeout)}` : undefined,
    d.deadline !== undefined ? `deadline ${seconds(d.deadline)}` : undefined,
    d.sink ? `sink ${d.sink}` : undefined,
    d.serve ? 'the offline server' : undefined,
    d.lesson ? `lesson "${safeText(d.lesson.title, 80)}"` : undefined,
  ].filter(Boolean);
  write(
    `${show(loaded.dir)}: ok · ${loaded.configs.length.toLocaleString('en-US')} source${loaded.configs.length === 1 ? '' : 's'} (${[...kinds].map(([k, n]) => `${n.toLocaleString('en-US')} ${k}`).join(', ')}) from ${loaded.files.filter((f) => !f.endsWith('ingest.json')).length} file(s) · ${settings.join(' · ')}\n`,
  );
  const shown = loaded.configs.slice(0, 20);
  for (const c of shown) write(`  ${safeText(c.name, 60).padEnd(24)} ${c.kind.padEnd(9)} ${show(c.file)}\n`);
  if (loaded.configs.length > shown.length) write(`  … and ${(loaded.configs.length - shown.length).toLocaleString('en-US')} more\n`);
  return 0;
}

const seconds = (ms: number) => (ms < 1000 ? `${ms}ms` : `${+(ms / 1000).toFixed(2)}s`);
