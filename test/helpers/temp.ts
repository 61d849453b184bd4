import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after } from 'node:test';

/** A fresh directory under the OS temp dir, removed when the test file ends. */
export function tempDir(prefix = 'ingest-tui-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Write files (objects are JSON-encoded) into a directory, creating subdirectories. */
export function writeFiles(dir: string, files: Record<string, unknown>): string {
  for (const [name, content] of Object.entries(files)) {
    const path = join(dir, name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, typeof content === 'string' || Buffer.isBuffer(content) ? content : JSON.stringify(content, null, 2));
  }
  return dir;
}

/** Every file under `dir` (relative path -> content), to show that a refused run changed nothing. */
export function treeOf(dir: string): Record<string, string> {
  if (!existsSync(dir)) return {};
  const tree: Record<string, string> = {};
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    const path = join(entry.parentPath, entry.name);
    if (entry.isFile()) tree[path.slice(dir.length + 1)] = readFileSync(path, 'latin1');
    else if (entry.isDirectory()) tree[`${path.slice(dir.length + 1)}/`] = '';
  }
  return tree;
}
