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
