import type { Got } from 'got';
import { z } from 'zod';
import { IngestError } from '../../errors.js';
import { safeText } from '../../util/sanitize.js';
import { isHttpUrl } from '../http.js';
import type { SourceContext } from '../source.js';
import { type ClientOptions, getJson, httpClient } from './client.js';
import { ndjsonChunks } from './lines.js';
import { type RetryPolicy, retryOrThrow } from './retry.js';

export interface Config extends RetryPolicy, ClientOptions {
  url: string;
  chunkRecords: number;
  maxBytes: number;
  maxRecordBytes: number;
  maxPages: number;
  format: 'ndjson' | 'json-pages';
}

/**
 * NDJSON over HTTP: one streamed body, `chunkRecords` lines per chunk, at constant memory. When
 * the body breaks off, the next attempt asks again and skips the records already delivered; a
 * resumed run does the same from its cursor.
 */
async function* readNdjson(cfg: Config, client: Got, ctx: SourceContext) {
  let seq = ctx.resumeFrom?.seq ?? 0;
  let delivered = Number(ctx.resumeFrom?.skip ?? 0);
  for (let attempt = 1; ; attempt++) {
    try {
      const body = client.stream(cfg.url, { signal: ctx.signal });
      // A chunk cut short by a failed attempt is read again by the next one.
      for await (const { records, bytes } of ndjsonChunks(body, { ...cfg, skip: delivered })) {
        if (records.length === 0) continue; // blank lines at the end
        delivered += records.length;
        yield { seq, records, bytes, cursor: { seq: seq + 1, skip: delivered } };
        seq += 1;
      }
      return;
    } catch (err) {
      await retryOrThrow(err, attempt, cfg, ctx);
    }
  }
}

/**
 * A paginated API: each body is {"items": [...], "next": url | null}; one page is one chunk. A
 * `next` back to a page this run has read is a loop, and no run reads more than maxPages.
 */
async function* readPages(cfg: Config, client: Got, ctx: SourceContext) {
  let seq = ctx.resumeFrom?.seq ?? 0;
  let url = ctx.resumeFrom ? resumeUrl(ctx.resumeFrom.next, cfg.url) : cfg.url;
  const read = new Set<string>();
  while (url !== null) {
    if (read.has(url)) throw new IngestError('E_SOURCE', `page loop: ${shown(url, cfg.url)} was already read`);
    if (read.size === cfg.maxPages) throw new IngestError('E_SOURCE', `more than maxPages (${cfg.maxPages}) pages`);
    read.add(url);
    const page = await fetchPage(cfg, client, url, ctx);
    yield { seq, records: page.items, bytes: page.bytes, cursor: { seq: seq + 1, next: cursorUrl(page.next, cfg.url) } };
    seq += 1;
    url = page.next;
  }
}

const shown = (url: string, base: string) => safeText(cursorUrl(url, base)!, 200);

/**
 * A page cursor on the source's own server is kept as a path, so a resumed run follows it on
 * that server even when its port changed (the offline server picks a free one every run).
 */
function cursorUrl(next: string | null, base: string): string | null {
  if (next === null) return null;
  const url = new URL(next);
  return url.origin === new URL(base).origin ? url.pathname + url.search : url.href;
}

function resumeUrl(next: unknown, base: string): string | null {
  return typeof next === 'string' ? new URL(next, base).href : null;
}

const pageSchema = z.object({ items: z.array(z.unknown()), next: z.string().nullable() });

async function fetchPage(cfg: Config, client: Got, url: string, ctx: SourceContext) {
  for (let attempt = 1; ; attempt++) {
    try {
      const { body, bytes } = await getJson(client, url, cfg.maxBytes, ctx.signal);
      const page = pageSchema.safeParse(body);
      const where = `page ${new URL(url).pathname}`;
      if (!page.success) throw new IngestError('E_SOURCE', `${where} is not {"items": [...], "next": url | null}`);
      const next = page.data.next === null ? null : new URL(page.data.next, url).href;
      if (next !== null && !isHttpUrl(next)) throw new IngestError('E_SOURCE', `${where}: "next" is not an http(s) URL`);
      return { items: page.data.items, next, bytes };
    } catch (err) {
      await retryOrThrow(err, attempt, cfg, ctx);
    }
  }
}

/** One got client per read: got (50 modules, ~20 MiB) loads only in a run that has http sources. */
export function readHttp(cfg: Config, ctx: SourceContext) {
  const client = httpClient(cfg);
  return cfg.format === 'ndjson' ? readNdjson(cfg, client, ctx) : readPages(cfg, client, ctx);
}
