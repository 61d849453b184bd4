import { stripVTControlCharacters } from 'node:util';

/**
 * Characters a terminal does not show as themselves: controls (Cc), format characters (Cf: zero
 * width spaces and joiners, U+FEFF, the soft hyphen, bidi marks and overrides, tags), line and
 * paragraph separators (Zl, Zp), private-use (Co) and unassigned (Cn) code points, lone
 * surrogates (Cs), and whatever else Unicode calls default-ignorable (variation selectors, Hangul
 * fillers, U+034F): invisible, or of a width no two terminals agree on.
 */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Co}\p{Cn}\p{Cs}\p{Default_Ignorable_Code_Point}\u2800]/gu;
/** A combining mark with nothing of its own to combine with: it would sit on the cell before the text. */
const LONE_MARKS = /(^|[\s?])\p{M}+/gu;
/** Spaces other than U+0020 (no-break, em, ideographic...): shown as the plain space they look like. */
const SPACES = /\p{Zs}/gu;
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/**
 * Untrusted text (source names, error messages, payload excerpts) on its way to a terminal:
 * escape sequences are removed, line breaks and tabs become a space (a run of them one), and every invisible or
 * format character (above) and every combining mark standing alone becomes "?", so a hostile
 * name can neither move the cursor nor ring the bell, bidi overrides cannot reorder what the
 * screen shows, and what is there is seen: "a\u200bb" shows as "a?b", never as "ab".
 */
export function safeText(text: string, maxLength = 500): string {
  const clean = PRINTABLE_ASCII.test(text)
    ? text
    : stripVTControlCharacters(text)
        .replace(/[\r\n\t]+/g, ' ')
        .replace(SPACES, ' ')
        .replace(INVISIBLE, '?')
        .replace(LONE_MARKS, (_, before: string) => `${before}?`);
  if (clean.length <= maxLength) return clean;
  let end = maxLength - 1;
  if (/[\ud800-\udbff]/.test(clean[end - 1] ?? '')) end -= 1; // never half a surrogate pair
  return `${clean.slice(0, end)}…`;
}

/**
 * How a name looks once shown, to tell names apart: two names with the same key cannot be told
 * apart in a table (one could pose as the other). It is safeText's rendering, NFKC-normalised
 * (composed and decomposed accents, fullwidth letters, ligatures and no-break spaces are the same
 * as their plain forms), with white space collapsed and trimmed (padding hides it).
 */
export function displayKey(name: string): string {
  if (/^[\x21-\x7e]*$/.test(name)) return name; // the usual name: nothing to normalise
  return safeText(name, Infinity).normalize('NFKC').replace(/\s+/gu, ' ').trim();
}

/** What JSON still carries raw that a terminal would act on or hide (C0 is escaped by JSON.stringify). */
const JSON_UNSAFE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Co}\p{Cn}\p{Default_Ignorable_Code_Point}]/gu;

/**
 * One line of JSON that is safe to print or log: JSON.stringify already escapes C0 controls
 * (ESC included) and lone surrogates, but not DEL and C1 controls (U+009B is a one-character CSI
 * for many terminals), bidi overrides, zero-width and other format or invisible characters, or
 * U+2028/2029. Escaping them keeps the same value for any JSON reader.
 */
export function jsonLine(value: unknown): string {
  const json = JSON.stringify(value);
  if (!/[^ -~]/.test(json)) return json; // printable ASCII (JSON.stringify escaped C0): nothing to escape, and no regex over megabytes
  return json.replace(JSON_UNSAFE, (c) => {
    let escaped = '';
    for (let i = 0; i < c.length; i++) escaped += `\\u${c.charCodeAt(i).toString(16).padStart(4, '0')}`;
    return escaped;
  });
}
