import { createHash } from 'node:crypto';
import { isAbsolute, relative, resolve } from 'node:path';

/** Stems of files ingest-tui keeps in --out itself: a source must not be able to overwrite them. */
const RESERVED = new Set(['dead-letter']);

/**
 * A source name is untrusted: "../../etc/x", "/abs", control characters, 5,000 characters. It
 * maps to a plain file name inside the output directory; a name that had to change (or that
 * would land on one of ingest-tui's own files) gets a short hash of the original, so two
 * different names never share a file.
 */
export function safeFileName(name: string): string {
  const plain = name.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._-]+/, '').slice(0, 80);
  if (plain === name && plain.length > 0 && !RESERVED.has(plain.toLowerCase())) return plain;
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 10);
  return `${plain || 'source'}-${hash}`;
}

/** The path for a source's file under `outDir`, checked to stay inside it. */
export function outputPath(outDir: string, name: string, extension: string): string {
  const path = resolve(outDir, safeFileName(name) + extension);
  const rel = relative(resolve(outDir), path);
  if (rel.startsWith('..') || isAbsolute(rel)) throw new Error(`refusing to write outside ${outDir}: ${name}`);
  return path;
}
