// Loaded with --import into every measured Node process: on exit, write what the kernel counted
// (peak RSS, CPU time) to $BENCH_RUSAGE_FILE. Exact, unlike sampling RSS from outside.
import { writeFileSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';

const file = process.env.BENCH_RUSAGE_FILE;
if (file && isMainThread) {
  process.on('exit', () => {
    const { maxRSS, userCPUTime, systemCPUTime } = process.resourceUsage();
    writeFileSync(file, JSON.stringify({ peakRssBytes: maxRSS * 1024, cpuMs: (userCPUTime + systemCPUTime) / 1000 }));
  });
}
