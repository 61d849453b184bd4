import stripAnsi from 'strip-ansi';

/**
 * Untrusted text (source names, error messages, payload excerpts) on its way to a terminal:
 * escape sequences are removed and remaining control characters become spaces or "?", so a
 * hostile name can neither move the cursor nor ring the bell, and bidi overrides cannot reorder what the screen shows.
 */
export function safeText(text: string, maxLength = 500): string {
  // eslint-disable-next-line no-control-regex
  const clean = stripAnsi(text).replace(/[\r\n\t]+/g, ' ').replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u2028-\u202e\u2066-\u2069]/g, '?');
  return clean.length > maxLength ? `${clean.slice(0, maxLength - 1)}…` : clean;
}

/**
 * One line of JSON that is safe to print or log: JSON.stringify already escapes C0 controls
 * (ESC included), but not C1 controls (U+009B is a one-character CSI for many terminals) nor
 * bidi overrides. Escaping them keeps the same value for any JSON reader.
 */
export function jsonLine(value: unknown): string {
  // eslint-disable-next-line no-control-regex
  return JSON.stringify(value).replace(/[\u007f-\u009f\u200e\u200f\u2028-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
