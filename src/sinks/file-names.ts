import { createHash } from 'node:crypto';
import { isAbsolute, relative, resolve } from 'node:path';

/** Stems of files ingest-tui keeps in --out itself: a source must not be able to overwrite them. */
const RESERVED = new Set(['dead-letter']);

/** Device names Windows reserves whatever the extension (NUL.txt and nul.tar.gz are NUL too). */
const WINDOWS_DEVICE = /^(con|prn|aux|nul|com\d|lpt\d)$/i;
const isDevice = (fileName: string) => WINDOWS_DEVICE.test(fileName.split('.')[0]!);

/**
 * A source name is untrusted: "../../etc/x", "/abs", control characters, 5,000 characters. It
 * maps to a plain file name inside the output directory. A plain lowercase name (orders,
 * orders-0001, api.v2) is its own file name; any other (with capitals, other characters, too
 * long, ending in a dot, a Windows device name like "con" or "aux.txt", one of ingest-tui's own
 * files) gets a short hash of the original, so two different names never share a file, not on
 * a case-insensitive file system either ("Orders" and "orders" are two files there too).
 */
export function safeFileName(name: string): string {
  if (/^[a-z0-9][a-z0-9._-]{0,79}$/.test(name) && !name.endsWith('.') && !RESERVED.has(name) && !isDevice(name)) return name;
  let plain = name
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/^[._-]+/, '')
    .slice(0, 80);
  if (isDevice(plain)) plain = plain.replace('.', '_'); // "aux.txt-<hash>" would still be AUX
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
