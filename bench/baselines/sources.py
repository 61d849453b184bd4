"""Baseline: the same N concurrent async generators in Python asyncio (the lecture's language).
Usage: python3 sources.py COUNT [CHUNKS] [LATENCY_MS] [RECORDS_PER_CHUNK]"""
import asyncio, json, random, resource, sys, time

args = [int(a) for a in sys.argv[1:]]
count, chunks, latency_ms, per_chunk = (args + [10_000, 10, 10, 1][len(args):])[:4]
payload = "x" * 16


async def source(name):
    for seq in range(chunks):
        await asyncio.sleep(latency_ms / 1000)
        yield seq, [json.dumps({"source": name, "seq": seq, "index": i, "value": round(random.random() * 1e6), "payload": payload}) for i in range(per_chunk)]


async def consume(name):
    n = 0
    async for seq, records in source(name):
        for index, line in enumerate(records):
            record = json.loads(line)
            record["_ingest"] = {"source": name, "seq": seq, "index": index}
            json.dumps(record)
            n += 1
    return n


async def main():
    started = time.perf_counter()
    counts = await asyncio.gather(*(consume(f"s-{i}") for i in range(count)))
    wall_ms = (time.perf_counter() - started) * 1000
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps({"wallMs": wall_ms, "records": sum(counts), "peakRssBytes": peak}))


asyncio.run(main())
