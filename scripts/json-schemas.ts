// JSON Schemas of source files and ingest.json, generated from the zod schemas the CLI checks
// them with (z.toJSONSchema), so that editors complete and check files that name them in
// "$schema"; and of the --json events, generated from the PipelineEvent type and its doc
// comments (ts-json-schema-generator), for scripts that read them. Run by `npm run schemas`;
// test/schemas.test.ts fails when the committed ones are out of date. The source fields'
// descriptions live here, not in the sources: those are shown on a projector.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createGenerator } from 'ts-json-schema-generator';
import { z } from 'zod';
import { runDefaultsSchema } from '../src/pipeline/config.js';
import { EVENTS_SCHEMA_VERSION } from '../src/pipeline/events.js';
import { sourceKinds } from '../src/sources/registry.js';

const DURATION = 'a duration: "250ms", "1.2s", "2m", "1h", "2d" (at most 24 days)';
const SIZE = 'a size in bytes, or "64kb", "10mb"';

export const FIELD_DESCRIPTIONS: Record<string, Record<string, string>> = {
  common: {
    $schema: 'the JSON Schema of this file, for editors',
    name: 'unique across the directory as shown on screen; also the output file name',
    kind: 'what reads the records: simulated, file, database or http',
    timeout: `this source's timeout (else the run's --timeout): ${DURATION}`,
    count: 'expand into this many copies named name-0001, name-0002, …',
    cpuCost: `CPU each chunk's transform burns synchronously, like a blocking library call (at most 10s): ${DURATION}`,
  },
  simulated: {
    chunks: 'how many chunks the source yields',
    recordsPerChunk: 'records in each chunk',
    latency: `the wait before each chunk, like a network round trip: ${DURATION}`,
    jitter: 'each wait varies by up to this fraction of latency (0 to 1)',
    payloadBytes: 'filler bytes in each record',
    failAt: 'throw at this chunk (a source that fails)',
    hangAt: 'never answer at this chunk, until a timeout, the deadline or a cancel',
    badRecords: 'the fraction of records that are malformed JSON (dead-lettered)',
    cleanup: `the cleanup a cancelled or timed-out source does before it re-raises (at most 10s): ${DURATION}`,
  },
  file: {
    path: 'an NDJSON file (or a FIFO), relative to this source file',
    chunkRecords: 'lines per chunk',
    maxRecordBytes: `the longest line handed on; a longer one is dead-lettered (default 16mb, at most 256mb): ${SIZE}`,
  },
  database: {
    rows: 'rows the query returns',
    chunkRows: 'rows per chunk',
    connectDelay: `the awaited open (async with): ${DURATION}`,
    rowDelay: `the wait for each row (async for): ${DURATION}`,
    closeDelay: `the awaited close, on every way out (at most 10s): ${DURATION}`,
    failAtRow: 'the query fails at this row',
  },
  http: {
    url: 'an http(s) URL, or a path like "/orders.ndjson" on the offline server ("serve" in ingest.json)',
    format: 'ndjson: one streamed body, a record per line; json-pages: each body is {"items": [...], "next": url | null}',
    chunkRecords: 'lines per chunk (ndjson only)',
    maxRecordBytes: `ndjson: the longest line handed on (default 16mb, at most 256mb): ${SIZE}`,
    maxPages: 'json-pages: the most pages one run reads (default 100000)',
    connectTimeout: `DNS lookup and connect, per attempt: ${DURATION}`,
    responseTimeout: `from the request to the first byte of the answer: ${DURATION}`,
    idleTimeout: `the longest silence on the connection: ${DURATION}`,
    retries: 'attempts after the first, on network errors, timeouts, 408, 429 and 5xx (at most 20)',
    retryDelay: `the first backoff; doubles each retry, with jitter: ${DURATION}`,
    maxRetryDelay: `no wait is longer, Retry-After included: ${DURATION}`,
    maxBytes: `abort a body larger than this, after decompression (json-pages: default 16mb, at most 256mb): ${SIZE}`,
    headers: "extra request headers (at most 64), sent only to the url's origin and trustedOrigins",
    trustedOrigins: 'other origins (scheme://host:port) the headers may go to',
  },
  ingest: {
    $schema: 'the JSON Schema of this file, for editors',
    description: 'one line for `ingest-tui list`',
    concurrency: 'sources run in parallel (--concurrency overrides it)',
    timeout: `per-source timeout, stretched by --slowmo: ${DURATION}`,
    deadline: `whole-run deadline, stretched by --slowmo; sources still running are cancelled: ${DURATION}`,
    seed: 'seed of the simulated sources: the same seed, the same run',
    slowmo: 'stretch simulated time by this factor so a class can follow (0.01 to 1000)',
    sink: 'where records go: ndjson, sqlite, postgres or none',
    offload: 'run CPU-heavy transforms in a worker pool (--offload)',
    serve: 'start the offline HTTP server for the run: {"port": 0} picks a free one',
    lesson: 'what the scenario teaches: the dashboard shows it (see fixtures/lecture/README.md)',
  },
};

type JsonSchema = { properties?: Record<string, JsonSchema & { description?: string }>; anyOf?: JsonSchema[]; items?: JsonSchema; [k: string]: unknown };

/** Puts the descriptions on an object schema's properties (and says which had none). */
function describe(schema: JsonSchema, ...tables: Record<string, string>[]): string[] {
  const missing: string[] = [];
  for (const [key, property] of Object.entries(schema.properties ?? {})) {
    const text = tables.map((t) => t[key]).find((d) => d !== undefined);
    if (text) property.description = text;
    else missing.push(key);
  }
  return missing;
}

export function generateSchemas(): { files: Record<string, string>; missing: string[] } {
  const missing: string[] = [];
  const toJson = (schema: z.ZodType) => z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  const kinds = [...sourceKinds.values()].map((kind) => {
    const json = toJson(kind.schema);
    missing.push(...describe(json, FIELD_DESCRIPTIONS.common!, FIELD_DESCRIPTIONS[kind.kind] ?? {}).map((f) => `${kind.kind}.${f}`));
    delete json.$schema;
    return json;
  });
  const source = { anyOf: kinds };
  const sourceFile = {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: 'ingest-tui source file',
    description: 'One source, or an array of them (see fixtures/README.md).',
    anyOf: [source, { type: 'array', items: source }],
  };
  const ingest = toJson(runDefaultsSchema);
  missing.push(...describe(ingest, FIELD_DESCRIPTIONS.ingest!).map((f) => `ingest.${f}`));
  Object.assign(ingest, { title: 'ingest-tui ingest.json', description: 'Run defaults of a sources directory; command-line flags override them.' });
  const text = (value: object) => `${JSON.stringify(value, null, 2)}\n`;
  return { files: { 'source.schema.json': text(sourceFile), 'ingest.schema.json': text(ingest), 'events.schema.json': text(eventsSchema()) }, missing };
}

/** One line of `--json` (and of a --record file): any of the PipelineEvent union. */
function eventsSchema(): object {
  const generator = createGenerator({
    path: fileURLToPath(new URL('../src/pipeline/events.ts', import.meta.url)),
    tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)),
    type: 'PipelineEvent',
    expose: 'none',
    skipTypeCheck: true, // tsc checks the code; this only reads the types
  });
  const schema = generator.createSchema('PipelineEvent');
  return {
    $schema: schema.$schema,
    title: 'ingest-tui --json event',
    description: `One line of --json output or of a --record file (schemaVersion ${EVENTS_SCHEMA_VERSION} in run-start).`,
    ...schema,
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { files, missing } = generateSchemas();
  if (missing.length > 0) throw new Error(`fields without a description: ${missing.join(', ')}`);
  for (const [name, text] of Object.entries(files)) writeFileSync(new URL(`../schemas/${name}`, import.meta.url), text);
  console.log(`schemas/: ${Object.keys(files).join(', ')}`);
}
