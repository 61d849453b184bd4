import type { Got } from 'got';
import { z } from 'zod';
import { ConfigError, IngestError } from '../errors.js';
import { byteSize } from '../util/bytes.js';
import { duration } from '../util/duration.js';
import { getJson, httpClient } from './http/client.js';
import { lineBatches } from './http/lines.js';
import { retryOrThrow, type RetryPolicy } from './http/retry.js';
import { commonFields, defineKind, type SourceContext } from './source.js';

const isHttpUrl = (text: string) => URL.canParse(text) && /^https?:$/.test(new URL(text).protocol);

export const httpSchema = z
  .strictObject({
    ...commonFields,
    kind: z.literal('http'),
    url: z.string().refine((u) => isHttpUrl(u) || u.startsWith('/'), 'must be an http(s) URL, or a path like "/orders.ndjson" on the offline server'),
    format: z.enum(['ndjson', 'json-pages']).default('ndjson'),
    chunkRecords: z.int().min(1).max(1_000_000).optional(),
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
  });

interface Config extends RetryPolicy {
  url: string;
  chunkRecords: number;
  maxBytes: number;
}

/**
 * NDJSON over HTTP: one streamed body, `chunkRecords` lines per chunk, at constant memory. When
 * the body breaks off, the next attempt asks again and skips the records already delivered; a
 * resumed run does the same from its cursor.
 */
async function* readNdjson(cfg: Config, client: Got, ctx: SourceContext) {
  let seq = ctx.resumeFrom?.seq ?? 0;
  let delivered = Number(ctx.resumeFrom?.skip ?? 0);
  let records: string[] = [];
  let bytes = 0;
  const chunk = () => {
    delivered += records.length;
    const done = { seq, records, bytes, cursor: { seq: seq + 1, skip: delivered } };
    seq += 1;
    records = [];
    bytes = 0;
    return done;
  };

  for (let attempt = 1; ; attempt++) {
    const skip = delivered;
    let seen = 0;
    records = []; // a chunk cut short by a failed attempt is read again
    bytes = 0;
    try {
      for await (const lines of lineBatches(client.stream(cfg.url, { signal: ctx.signal }), cfg.maxBytes)) {
        for (const line of lines) {
          if (seen++ < skip) continue;
          records.push(line);
          bytes += Buffer.byteLength(line) + 1;
          if (records.length === cfg.chunkRecords) yield chunk();
        }
      }
      if (records.length > 0) yield chunk();
      return;
    } catch (err) {
      await retryOrThrow(err, attempt, cfg, ctx);
    }
  }
}

/** A paginated API: each body is {"items": [...], "next": url | null}; one page is one chunk. */
async function* readPages(cfg: Config, client: Got, ctx: SourceContext) {
  let seq = ctx.resumeFrom?.seq ?? 0;
  let url = ctx.resumeFrom ? resumeUrl(ctx.resumeFrom.next, cfg.url) : cfg.url;
  while (url !== null) {
    const page = await fetchPage(cfg, client, url, ctx);
    yield { seq, records: page.items, bytes: page.bytes, cursor: { seq: seq + 1, next: cursorUrl(page.next, cfg.url) } };
    seq += 1;
    url = page.next;
  }
}

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

export const http = defineKind('http', httpSchema, (cfg, env) => {
  if (!isHttpUrl(cfg.url) && env.serveUrl === undefined) {
    throw new ConfigError(`url: "${cfg.url}" is a path on the offline server: add "serve": {} to ingest.json, or give a full URL`);
  }
  const config: Config = {
    ...cfg,
    url: new URL(cfg.url, env.serveUrl).href,
    chunkRecords: cfg.chunkRecords ?? 500,
    // A streamed body may be any size; a page is held in memory whole, so it gets a limit.
    maxBytes: cfg.maxBytes ?? (cfg.format === 'ndjson' ? Infinity : 16e6),
  };
  const client = httpClient(cfg);
  return {
    name: cfg.name,
    kind: 'http',
    read: (ctx) => (cfg.format === 'ndjson' ? readNdjson(config, client, ctx) : readPages(config, client, ctx)),
  };
});
