import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { UsageError } from '../errors.js';
import { packageRoot } from '../util/package-paths.js';
import { safeText } from '../util/sanitize.js';
import { closest } from '../util/suggest.js';

/** The scenarios that ship with the package, under its fixtures/. No zod: `list` loads only this. */
export const bundledFixtures = join(packageRoot, 'fixtures');

export interface Scenario {
  /** What --sources takes: "lecture/01-gather"; "fixtures" for the demo itself. */
  name: string;
  path: string;
  description: string;
}

/** Every bundled directory that holds source files, the demo first, with its one-line description. */
function bundledScenarios(root = bundledFixtures): Scenario[] {
  const found: Scenario[] = [];
  const visit = (dir: string) => {
    const entries = readdirSync(dir, { withFileTypes: true });
    const sources = entries.filter((e) => e.isFile() && e.name.endsWith('.json') && e.name !== 'ingest.json');
    if (sources.length > 0) {
      const name = relative(root, dir).split(sep).join('/') || 'fixtures';
      found.push({ name, path: dir, description: describe(dir, sources.length) });
    }
    for (const e of entries) if (e.isDirectory() && e.name !== 'data') visit(join(dir, e.name));
  };
  visit(root);
  return found;
}

function describe(dir: string, files: number): string {
  try {
    const defaults = JSON.parse(readFileSync(join(dir, 'ingest.json'), 'utf8')) as { description?: unknown; lesson?: { title?: unknown } };
    const text = defaults.description ?? defaults.lesson?.title;
    if (typeof text === 'string') return safeText(text, 120);
  } catch {
    // no ingest.json, or one `validate` will complain about
  }
  return `${files} source file${files === 1 ? '' : 's'}`;
}

/**
 * Where `--sources PATH` points: the path itself when it exists, else the bundled scenario of that
 * name (`lecture/01-gather`, or `fixtures/lecture/01-gather` as the README writes it), so the
 * examples work from any directory after `npm install ingest-tui`. Neither: one line saying where
 * it looked and the nearest bundled name.
 */
export function locateSources(pathArg: string): string {
  if (existsSync(pathArg)) return pathArg;
  const bare = pathArg.replace(/^\.?\/?(fixtures\/?)?/, '').replace(/\/+$/, '');
  const bundled = resolve(bundledFixtures, bare);
  // Only inside fixtures/: a name is not a way out of the package.
  if (!relative(bundledFixtures, bundled).startsWith('..') && existsSync(bundled) && (statSync(bundled).isDirectory() || bundled.endsWith('.json')))
    return bundled;
  const names = bundledScenarios().map((s) => s.name);
  const near = closest(bare, names);
  throw new UsageError(
    `--sources ${pathArg}: not found here (${resolve(pathArg)}) nor among the bundled scenarios${near ? `; did you mean ${near}?` : ''} (npx ingest-tui list)`,
  );
}

/** `ingest-tui list`: the bundled scenarios, one a line. */
export function listScenarios(write: (text: string) => void) {
  const scenarios = bundledScenarios();
  const width = Math.max(...scenarios.map((s) => s.name.length));
  write('Bundled scenarios, for npx ingest-tui --sources NAME (the demo runs with no --sources):\n\n');
  for (const s of scenarios) write(`  ${s.name.padEnd(width)}  ${s.description}\n`);
}
