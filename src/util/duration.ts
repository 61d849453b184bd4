import { z } from 'zod';
import { parseDuration } from './parse-duration.js';

/** A duration field of a source file or ingest.json ("250ms", "1.2s"); parses to milliseconds. */
export const durationField = z.string({ error: 'a duration like "250ms" or "1.2s"' }).transform((text, ctx) => {
  const parsed = parseDuration(text);
  if ('error' in parsed) {
    ctx.addIssue({ code: 'custom', message: parsed.error });
    return z.NEVER;
  }
  return parsed.ms;
});

/** A duration field with a tighter bound than every duration's. */
export const durationUpTo = (maxMs: number, text: string) =>
  durationField.refine((ms) => ms <= maxMs, { error: (issue) => `at most ${text}, got ${Number(issue.input) / 1000}s` });
