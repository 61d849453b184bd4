import ms from 'ms';
import { z } from 'zod';

/** "250ms", "1.2s", "2m" -> milliseconds; undefined when the text is not a duration. */
export function parseDuration(text: string): number | undefined {
  if (!/^\s*\d+(\.\d+)?\s*(ms|s|m|h)\s*$/i.test(text)) return undefined;
  const value = ms(text.replace(/\s+/g, '') as ms.StringValue);
  return Number.isFinite(value) && value >= 0 ? value : undefined;
}

/** A zod schema for a duration string in a source file; parses to milliseconds. */
export const duration = z.string().transform((text, ctx) => {
  const value = parseDuration(text);
  if (value === undefined) {
    ctx.addIssue({ code: 'custom', message: `"${text}" is not a duration (use e.g. "250ms", "1.2s", "2m")` });
    return z.NEVER;
  }
  return value;
});
