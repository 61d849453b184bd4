// Baseline: N concurrent async generators, each yielding `chunks` chunks after a `latency` sleep,
// every record parsed, tagged and re-serialised. The floor a pipeline over the same work can reach.
// Usage: node sources.mjs COUNT [CHUNKS] [LATENCY_MS] [RECORDS_PER_CHUNK]
const [count = 10_000, chunks = 10, latencyMs = 10, perChunk = 1] = process.argv.slice(2).map(Number);
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

const baselineRssBytes = process.memoryUsage.rss();
const started = performance.now();
const counts = await Promise.all(Array.from({ length: count }, (_, i) => consume(`s-${i}`)));
const wallMs = performance.now() - started;
const records = counts.reduce((a, b) => a + b, 0);
console.log(JSON.stringify({ wallMs, records, baselineRssBytes, peakRssBytes: process.resourceUsage().maxRSS * 1024 }));
