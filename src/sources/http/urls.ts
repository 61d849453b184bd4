// No got here: the source file's schema checks URLs with these before any http source runs.

export const isHttpUrl = (text: string) => URL.canParse(text) && /^https?:$/.test(new URL(text).protocol);

/**
 * A page cursor on the source's own server is kept as a path, so a resumed run follows it on
 * that server even when its port changed (the offline server picks a free one every run).
 */
export function cursorUrl(next: string | null, base: string): string | null {
  if (next === null) return null;
  const url = new URL(next);
  return url.origin === new URL(base).origin ? url.pathname + url.search : url.href;
}

/** The page a resumed run starts at: its cursor's, on the source's server if it is a path. */
export function resumeUrl(next: unknown, base: string): string | null {
  return typeof next === 'string' ? new URL(next, base).href : null;
}
