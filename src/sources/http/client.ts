import got, {
  type BeforeRedirectHook,
  type BeforeRequestHook,
  CancelError,
  type Got,
  HTTPError,
  MaxRedirectsError,
  ParseError,
  RequestError,
  TimeoutError,
} from 'got';
import prettyBytes from 'pretty-bytes';
import { z } from 'zod';
import { IngestError } from '../../errors.js';
import { safeText } from '../../util/sanitize.js';
import { type LineChunk, lineChunks } from '../lines.js';
import type { SourceContext } from '../source.js';
import { type RetryPolicy, retryOrThrow } from './retry.js';
import { isHttpUrl } from './urls.js';

export interface ClientOptions {
  connectTimeout: number;
  responseTimeout: number;
  idleTimeout: number;
  /** The source's URL: its origin (scheme, host, port) is the one the headers are configured for. */
  url: string;
  headers: Record<string, string>;
  /** Other origins the headers may go to. */
  trustedOrigins?: string[];
}

/** What one body may hold: in all (decompressed), and per NDJSON line. */
export interface BodyLimits {
  maxBytes: number;
  maxRecordBytes: number;
  chunkRecords: number;
}

export const MAX_REDIRECTS = 10;

const DEFAULT_HEADERS: Record<string, string> = { 'user-agent': 'ingest-tui' };

/** A page of a paginated API: its records, the page after it, its size on the wire. */
export interface Page {
  items: unknown[];
  next: string | null;
  bytes: number;
}

/**
 * One http source's requests. This module and retry.ts are the only ones that import got, and
 * src/sources/http.ts loads them when an http source starts. got owns the per-phase timeouts,
 * redirects and decompression; retries are ours (got's are off) so that every attempt is
 * reported and an NDJSON body can resume where it broke.
 */
export class HttpClient {
  private readonly got: Got;

  constructor(private readonly cfg: ClientOptions & BodyLimits & RetryPolicy) {
    const connect = cfg.connectTimeout; // DNS, TCP and TLS: getting a connection at all
    this.got = got.extend({
      timeout: { lookup: connect, connect, secureConnect: connect, response: cfg.responseTimeout, socket: cfg.idleTimeout },
      retry: { limit: 0 },
      headers: DEFAULT_HEADERS,
      maxRedirects: MAX_REDIRECTS,
      hooks: { beforeRequest: [headersFor(cfg)], beforeRedirect: [refuseLoops] },
    });
  }

  /**
   * The source's NDJSON body in chunks of lines, after its first `skip` records, through the
   * splitter file sources use (one block and at most one maxRecordBytes line in memory). Past
   * maxBytes received (decompressed) the body is cut off and the source fails: a body that never
   * ends cannot run forever either.
   */
  async *ndjson(skip: number, signal: AbortSignal): AsyncGenerator<LineChunk> {
    const body = atMost(this.got.stream(this.cfg.url, { signal }), this.cfg.maxBytes);
    for await (const chunk of lineChunks(body, { ...this.cfg, skip })) {
      if (chunk.records.length > 0) yield chunk; // blank lines at the end make no chunk
    }
  }

  /** One page of a paginated API: a body {"items": [...], "next": url | null}, at most maxBytes. */
  async page(url: string, signal: AbortSignal): Promise<Page> {
    const { body, bytes } = await this.getJson(url, signal);
    const page = pageSchema.safeParse(body);
    const where = `page ${safeText(new URL(url).pathname, 100)}`;
    if (!page.success) throw new IngestError('E_SOURCE', `${where} is not {"items": [...], "next": url | null}`);
    const next = page.data.next === null ? null : new URL(page.data.next, url).href;
    if (next !== null && !isHttpUrl(next)) throw new IngestError('E_SOURCE', `${where}: "next" is not an http(s) URL`);
    return { items: page.data.items, next, bytes };
  }

  /** After attempt `attempt` failed: waits before the next one, or throws the failure (see retry.ts). */
  retryOrThrow(err: unknown, attempt: number, ctx: SourceContext): Promise<void> {
    return retryOrThrow(err, attempt, this.cfg, ctx);
  }

  private async getJson(url: string, signal: AbortSignal) {
    const { maxBytes } = this.cfg;
    let tooLarge = false;
    const request = this.got(url, { signal, responseType: 'json' });
    request.on('downloadProgress', ({ transferred }) => {
      if (transferred > maxBytes && !tooLarge) {
        tooLarge = true;
        request.cancel();
      }
    });
    try {
      const response = await request;
      return { body: response.body, bytes: response.rawBody.length };
    } catch (err) {
      if (tooLarge && err instanceof CancelError) throw new IngestError('E_SOURCE', `body larger than maxBytes (${prettyBytes(maxBytes)})`, { cause: err });
      if (err instanceof ParseError) {
        const type = err.response.headers['content-type'];
        throw new IngestError('E_SOURCE', `page ${safeText(new URL(url).pathname, 100)} is not JSON${type ? ` (${safeText(type, 60)})` : ''}`, { cause: err });
      }
      throw err;
    }
  }
}

const pageSchema = z.object({ items: z.array(z.unknown()), next: z.string().nullable() });

async function* atMost(body: AsyncIterable<Buffer>, maxBytes: number) {
  let received = 0;
  for await (const block of body) {
    received += block.length;
    if (received > maxBytes) throw new IngestError('E_SOURCE', `body larger than maxBytes (${prettyBytes(maxBytes)})`);
    yield block;
  }
}

/**
 * The configured headers (a token, an API key, a cookie) belong to the source's origin and the
 * origins it trusts: they are set on each request, and on each hop of a redirect, only when that
 * URL's origin (scheme, host, port) is one of them. A `next` page or a redirect elsewhere (a
 * CDN, another port, http instead of https) gets the defaults only. got itself strips no more
 * than authorization and cookie on a redirect to another host or port, and keeps them on one
 * from https to http of the same host; this runs before every hop, after got's own handling.
 */
function headersFor(o: ClientOptions): BeforeRequestHook {
  const trusted = new Set([new URL(o.url).origin, ...(o.trustedOrigins ?? [])]);
  const configured = Object.entries(o.headers).map(([name, value]) => [name.toLowerCase(), value] as const);
  return (options) => {
    const { headers } = options;
    const trust = trusted.has(new URL(String(options.url)).origin);
    for (const [name, value] of configured) {
      if (trust) headers[name] = value;
      else if (name in DEFAULT_HEADERS) headers[name] = DEFAULT_HEADERS[name];
      else if (name === 'accept' && options.responseType === 'json')
        headers[name] = 'application/json'; // got's own default
      else delete headers[name];
    }
  };
}

// got already refuses a redirect to a non-http(s) scheme and stops after MAX_REDIRECTS; a URL
// seen twice is a loop we can name at once instead of following it ten times.
const refuseLoops: BeforeRedirectHook = (options, response) => {
  const target = String(options.url);
  const earlier = [response.requestUrl.href, ...response.redirectUrls.slice(0, -1).map((u) => u.href)];
  if (earlier.includes(target)) throw new Error(`redirect loop back to ${target}`);
};

/** Worth another attempt: network failures, timeouts, 408, 429 and 5xx. */
export function isTransient(err: unknown): boolean {
  if (err instanceof HTTPError) {
    const status = err.response.statusCode;
    return status === 408 || status === 429 || status >= 500;
  }
  return err instanceof RequestError && TRANSIENT_CODES.has(err.code);
}

const TRANSIENT_CODES = new Set([
  'ETIMEDOUT',
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ERR_STREAM_PREMATURE_CLOSE',
  'ERR_HTTP_CONTENT_LENGTH_MISMATCH',
]);

const PHASES: Record<string, string> = {
  lookup: 'DNS lookup',
  connect: 'connect',
  secureConnect: 'TLS handshake',
  socket: 'idle',
  response: 'response',
};

/** A short readable reason for a failed request: a status, an error code, a phase. Never a stack. */
export function describeHttpError(err: unknown): string {
  if (err instanceof HTTPError) return `HTTP ${err.response.statusCode} ${safeText(err.response.statusMessage ?? '', 80)}`.trim();
  if (err instanceof TimeoutError) {
    const ms = /for (\d+)ms/.exec(err.message)?.[1];
    return `${PHASES[err.event] ?? err.event} timeout${ms ? ` (${ms}ms)` : ''}`;
  }
  if (err instanceof MaxRedirectsError) return `more than ${MAX_REDIRECTS} redirects`;
  if (err instanceof RequestError) {
    if (err.code === 'ERR_UNSUPPORTED_PROTOCOL') return `refused a redirect to a non-http(s) URL (${safeText(err.message, 120)})`;
    const text = safeText(err.message.split('\n')[0] ?? '', 200);
    return /^E[A-Z]+$/.test(err.code) && !text.includes(err.code) ? `${err.code}: ${text}` : text; // errno codes (ECONNRESET) say the most
  }
  return err instanceof Error ? safeText(err.message.split('\n')[0] ?? err.name, 200) : String(err);
}
