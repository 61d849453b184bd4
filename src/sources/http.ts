import { z } from 'zod';
import { ConfigError } from '../errors.js';
import { byteSize } from '../util/bytes.js';
import { durationField } from '../util/duration.js';
import { LIMITS } from '../util/limits.js';
import type { Config } from './http/read.js';
import { DEFAULT_MAX_RECORD_BYTES, recordSize } from './lines.js';
import { commonFields, defineKind, type SourceContext } from './source.js';

/** A json-pages page is parsed whole: this is the most one may be. */
const MAX_PAGE_BYTES = 256e6;
/** json-pages: pages one run reads at most. Each page read is remembered (a loop is an error). */
export const DEFAULT_MAX_PAGES = 100_000;

export const isHttpUrl = (text: string) => URL.canParse(text) && /^https?:$/.test(new URL(text).protocol);

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
  return { name: cfg.name, kind: 'http', read: (ctx) => readLazily(config, ctx) };
});

/** The reading side (got and its 50 modules, ~70 ms and ~20 MiB) loads when an http source starts. */
async function* readLazily(config: Config, ctx: SourceContext) {
  const { readHttp } = await import('./http/read.js');
  yield* readHttp(config, ctx);
}
