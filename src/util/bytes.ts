import { z } from 'zod';

const UNITS: Record<string, number> = { b: 1, kb: 1e3, mb: 1e6, gb: 1e9 };

/** "64kb", "10mb", "512" -> bytes (decimal units, as pretty-bytes shows them); undefined otherwise. */
export function parseBytes(text: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?\s*$/i.exec(text);
  if (!match) return undefined;
  return Math.round(Number(match[1]) * UNITS[(match[2] ?? 'b').toLowerCase()]!);
}

/** A size in a source file: a whole number of bytes or a string like "10mb". */
export const byteSize = z.union([z.int().min(1), z.string()]).transform((value, ctx) => {
  const bytes = typeof value === 'number' ? value : parseBytes(value);
  if (bytes === undefined || bytes < 1) {
    ctx.addIssue({ code: 'custom', message: `"${value}" is not a size (use e.g. 65536, "64kb", "10mb")` });
    return z.NEVER;
  }
  return bytes;
});
