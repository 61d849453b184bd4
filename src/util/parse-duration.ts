import ms from 'ms';

/** "250ms", "1.2s", "2m" -> milliseconds; undefined when the text is not a duration. */
export function parseDuration(text: string): number | undefined {
  if (!/^\s*\d+(\.\d+)?\s*(ms|s|m|h)\s*$/i.test(text)) return undefined;
  const value = ms(text.replace(/\s+/g, '') as ms.StringValue);
  return Number.isFinite(value) && value >= 0 ? value : undefined;
}
