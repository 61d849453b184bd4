import { z } from 'zod';
import { ConfigError, IngestError } from '../errors.js';
import { byteSize } from '../util/bytes.js';
import { durationField } from '../util/duration.js';
import { LIMITS } from '../util/limits.js';
import { safeText } from '../util/sanitize.js';
import type { BodyLimits, ClientOptions, HttpClient } from './http/client.js';
import type { RetryPolicy } from './http/retry.js';
import { cursorUrl, isHttpUrl, resumeUrl } from './http/urls.js';
import { DEFAULT_MAX_RECORD_BYTES, recordSize } from './lines.js';
import { commonFields, defineKind, type SourceContext } from './source.js';

/** A json-pages page is parsed whole: this is the most one may be. */
const MAX_PAGE_BYTES = 256e6;
/** json-pages: pages one run reads at most. Each page read is remembered (a loop is an error). */
export const DEFAULT_MAX_PAGES = 100_000;

/** "https://api2.example.com" or "http://127.0.0.1:8788": a scheme, a host and a port, nothing else. */
const isOrigin = (text: string) => {
  if (!isHttpUrl(text) || /[?#@]/.test(text)) return false;
  const url = new URL(text);
  return url.pathname === '/' && !/^https?:\/\/[^/]+\/./.test(text);
};
const origin = z
  .string()
  .refine(isOrigin, 'must be an origin like "https://api2.example.com" (scheme, host and port; no path, query or user)')
  .transform((o) => new URL(o).origin);

export const httpSchema = z
  .strictObject({
    ...commonFields,
    kind: z.literal('http'),
    url: z.string().refine((u) => isHttpUrl(u) || u.startsWith('/'), 'must be an http(s) URL, or a path like "/orders.ndjson" on the offline server'),
    format: z.enum(['ndjson', 'json-pages']).default('ndjson'),
    chunkRecords: z.int().min(1).max(LIMITS.chunkRecords).optional(),
    maxRecordBytes: recordSize.optional(),
    maxPages: z.int().min(1).max(LIMITS.pages).optional(),
    connectTimeout: durationField.default(5_000),
    responseTimeout: durationField.default(10_000),
    idleTimeout: durationField.default(10_000),
    retries: z.int().min(0).max(20).default(2),
    retryDelay: durationField.default(250),
    maxRetryDelay: durationField.default(10_000),
    maxBytes: byteSize.optional(),
    headers: z
      .record(z.string().min(1).max(256), z.string().max(8192))
      .refine((h) => Object.keys(h).length <= 64, 'at most 64 headers')
      .default({}),
    /** Other origins the headers may go to (a `next` page or a redirect there); the url's own always. */
    trustedOrigins: z.array(origin).max(100).optional(),
  })
  .refine((c) => c.format === 'ndjson' || c.maxBytes === undefined || c.maxBytes <= MAX_PAGE_BYTES, {
    path: ['maxBytes'],
    message: `a page is held in memory whole: at most ${MAX_PAGE_BYTES / 1e6} MB with "json-pages"`,
  })
  .refine((c) => c.format === 'ndjson' || c.chunkRecords === undefined, {
    path: ['chunkRecords'],
    message: 'applies to format "ndjson" only (with "json-pages" each page is one chunk)',
  })
  .refine((c) => c.format === 'ndjson' || c.maxRecordBytes === undefined, {
    path: ['maxRecordBytes'],
    message: 'applies to format "ndjson" only (with "json-pages" maxBytes bounds a page)',
  })
  .refine((c) => c.format === 'json-pages' || c.maxPages === undefined, {
    path: ['maxPages'],
    message: 'applies to format "json-pages" only',
  });

/** A source file's fields, with its format's defaults filled in. */
interface Config extends ClientOptions, BodyLimits, RetryPolicy {
  format: 'ndjson' | 'json-pages';
  maxPages: number;
}

/**
 * NDJSON over HTTP: one streamed body, `chunkRecords` lines per chunk, at constant memory. The
 * cursor counts the records handed on, so a resumed run reads on after them.
 */
async function* readNdjson(cfg: Config, ctx: SourceContext) {
  const client = await loadClient(cfg);
  let seq = ctx.resumeFrom?.seq ?? 0;
  let delivered = Number(ctx.resumeFrom?.skip ?? 0);
  for await (const { records, bytes } of recordsAfter(delivered, client, ctx)) {
    delivered += records.length;
    yield { seq, records, bytes, cursor: { seq: seq + 1, skip: delivered } };
    seq += 1;
  }
}

/**
 * The body's records after the first `skip`, in chunks. A body that breaks off (a reset, a
 * silence) is asked for again and read on after the records already handed on: the chunk it cut
 * short is read again, whole.
 */
async function* recordsAfter(skip: number, client: HttpClient, ctx: SourceContext) {
  for (let attempt = 1; ; attempt++) {
    try {
      for await (const chunk of client.ndjson(skip, ctx.signal)) {
        skip += chunk.records.length;
        yield chunk;
      }
      return;
    } catch (err) {
      await client.retryOrThrow(err, attempt, ctx); // waits for the next attempt, or throws
    }
  }
}

/**
 * A paginated API: each body is {"items": [...], "next": url | null}; one page is one chunk, and
 * the cursor is the next page. A `next` back to a page this run has read is a loop, and no run
 * reads more than maxPages.
 */
async function* readPages(cfg: Config, ctx: SourceContext) {
  const client = await loadClient(cfg);
  let seq = ctx.resumeFrom?.seq ?? 0;
  let url = ctx.resumeFrom ? resumeUrl(ctx.resumeFrom.next, cfg.url) : cfg.url;
  const read = new Set<string>();
  while (url !== null) {
    if (read.has(url)) throw new IngestError('E_SOURCE', `page loop: ${safeText(cursorUrl(url, cfg.url) ?? url, 200)} was already read`);
    if (read.size === cfg.maxPages) throw new IngestError('E_SOURCE', `more than maxPages (${cfg.maxPages}) pages`);
    read.add(url);
    const page = await pageWithRetries(url, client, ctx);
    yield { seq, records: page.items, bytes: page.bytes, cursor: { seq: seq + 1, next: cursorUrl(page.next, cfg.url) } };
    seq += 1;
    url = page.next;
  }
}

/** One page, asked for again after a failure worth another attempt: each page has its own. */
async function pageWithRetries(url: string, client: HttpClient, ctx: SourceContext) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await client.page(url, ctx.signal);
    } catch (err) {
      await client.retryOrThrow(err, attempt, ctx); // waits for the next attempt, or throws
    }
  }
}

/**
 * got and its 50 modules (~70 ms, ~20 MiB) load here, when an http source starts: --help and
 * runs without one never load them. One client per read.
 */
async function loadClient(cfg: Config): Promise<HttpClient> {
  const { HttpClient } = await import('./http/client.js');
  return new HttpClient(cfg);
}

export const http = defineKind('http', httpSchema, (cfg, env) => {
  if (!isHttpUrl(cfg.url) && env.serveUrl === undefined) {
    throw new ConfigError(`url: "${cfg.url}" is a path on the offline server: add "serve": {} to ingest.json, or give a full URL`);
  }
  const config: Config = {
    ...cfg,
    url: new URL(cfg.url, env.serveUrl).href,
    chunkRecords: cfg.chunkRecords ?? 500,
    maxRecordBytes: cfg.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES,
    maxPages: cfg.maxPages ?? DEFAULT_MAX_PAGES,
    // A streamed body may be any size; a page is held in memory whole, so it gets a limit.
    maxBytes: cfg.maxBytes ?? (cfg.format === 'ndjson' ? Infinity : 16e6),
  };
  const read = config.format === 'ndjson' ? readNdjson : readPages;
  return { name: cfg.name, kind: 'http', read: (ctx) => read(config, ctx) };
});
