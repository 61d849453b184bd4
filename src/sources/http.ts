import { z } from 'zod';
import { ConfigError } from '../errors.js';
import { byteSize } from '../util/bytes.js';
import { duration } from '../util/duration.js';
import type { Config } from './http/read.js';
import { DEFAULT_MAX_RECORD_BYTES, recordSize } from './lines.js';
import { commonFields, defineKind, type SourceContext } from './source.js';

/** json-pages: pages one run reads at most. Each page read is remembered (a loop is an error). */
export const DEFAULT_MAX_PAGES = 100_000;
const MAX_PAGES_LIMIT = 1_000_000;

export const isHttpUrl = (text: string) => URL.canParse(text) && /^https?:$/.test(new URL(text).protocol);

export const httpSchema = z
  .strictObject({
    ...commonFields,
    kind: z.literal('http'),
    url: z.string().refine((u) => isHttpUrl(u) || u.startsWith('/'), 'must be an http(s) URL, or a path like "/orders.ndjson" on the offline server'),
    format: z.enum(['ndjson', 'json-pages']).default('ndjson'),
    chunkRecords: z.int().min(1).max(1_000_000).optional(),
    maxRecordBytes: recordSize.optional(),
    maxPages: z.int().min(1).max(MAX_PAGES_LIMIT).optional(),
    connectTimeout: duration.default(5_000),
    responseTimeout: duration.default(10_000),
    idleTimeout: duration.default(10_000),
    retries: z.int().min(0).max(20).default(2),
    retryDelay: duration.default(250),
    maxRetryDelay: duration.default(10_000),
    maxBytes: byteSize.optional(),
    headers: z.record(z.string(), z.string()).default({}),
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
