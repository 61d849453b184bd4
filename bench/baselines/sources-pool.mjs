// Baseline: COUNT sources of the same shape as sources.mjs, run by WORKERS loops that each pull the
// next source from one shared iterator (a worker pool): a queued source is an index, nothing else.
// The floor for a bounded run of many sources in plain Node.
// Usage: node sources-pool.mjs COUNT [CHUNKS] [LATENCY_MS] [RECORDS_PER_CHUNK] [WORKERS]
const [count = 1_000_000, chunks = 1, latencyMs = 10, perChunk = 1, workers = 10_000] = process.argv.slice(2).map(Number);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const payload = 'x'.repeat(16);

async function* source(name) {
  for (let seq = 0; seq < chunks; seq++) {
    await sleep(latencyMs);
    const records = [];
    for (let index = 0; index < perChunk; index++) records.push(JSON.stringify({ source: name, seq, index, value: Math.round(Math.random() * 1e6), payload }));
    yield { seq, records };
  }
}

async function consume(name) {
  let records = 0;
  for await (const chunk of source(name)) {
    for (let index = 0; index < chunk.records.length; index++) {
      const record = JSON.parse(chunk.records[index]);
      record._ingest = { source: name, seq: chunk.seq, index };
      JSON.stringify(record);
      records += 1;
    }
  }
  return records;
}

function* names() {
  for (let i = 0; i < count; i++) yield `s-${i}`;
}

const baselineRssBytes = process.memoryUsage.rss();
const started = performance.now();
const feed = names();
let records = 0;
async function worker() {
  for (const name of feed) {
    const n = await consume(name);
    records += n;
  }
}
await Promise.all(Array.from({ length: Math.min(workers, count) }, worker));
const wallMs = performance.now() - started;
console.log(JSON.stringify({ wallMs, records, baselineRssBytes, peakRssBytes: process.resourceUsage().maxRSS * 1024 }));
