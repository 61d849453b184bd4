import { z } from 'zod';
import { parseDuration } from './parse-duration.js';

// Without zod, for the command line: --help must not load zod's 95 files.
export { parseDuration };

/** A zod schema for a duration string in a source file; parses to milliseconds. */
export const duration = z.string().transform((text, ctx) => {
  const value = parseDuration(text);
  if (value === undefined) {
    ctx.addIssue({ code: 'custom', message: `"${text}" is not a duration (use e.g. "250ms", "1.2s", "2m")` });
    return z.NEVER;
  }
  return value;
});
