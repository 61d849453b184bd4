"""Baseline: COUNT sources (the shape of sources.py) at most WORKERS at a time, in Python asyncio, two ways:
  semaphore  every source a task up front (asyncio.gather), each waiting on an asyncio.Semaphore
  pool       WORKERS tasks, each pulling the next source from one shared iterator
Usage: python3 sources-bounded.py semaphore|pool COUNT [CHUNKS] [LATENCY_MS] [RECORDS_PER_CHUNK] [WORKERS]"""
import asyncio, json, random, resource, sys, time

mode = sys.argv[1]
args = [int(a) for a in sys.argv[2:]]
count, chunks, latency_ms, per_chunk, workers = (args + [1_000_000, 1, 10, 1, 10_000][len(args):])[:5]
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


async def with_semaphore():
    limit = asyncio.Semaphore(workers)

    async def bounded(name):
        async with limit:
            return await consume(name)

    return sum(await asyncio.gather(*(bounded(f"s-{i}") for i in range(count))))


async def with_pool():
    names = (f"s-{i}" for i in range(count))
    total = 0

    async def worker():
        nonlocal total
        for name in names:
            n = await consume(name)
            total += n

    await asyncio.gather(*(worker() for _ in range(min(workers, count))))
    return total


async def main():
    started = time.perf_counter()
    records = await (with_semaphore() if mode == "semaphore" else with_pool())
    wall_ms = (time.perf_counter() - started) * 1000
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps({"wallMs": wall_ms, "records": records, "peakRssBytes": peak}))


asyncio.run(main())
