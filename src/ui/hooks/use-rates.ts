import { useRef } from 'react';
import type { Snapshot } from '../model/store.js';

interface Sample {
  t: number;
  records: number;
  bytes: number;
}

/**
 * Records and bytes per second over the last `windowMs` of run time: what is happening now,
 * not the average since the start. Once the run is over: the average of the whole run.
 */
export function useRates(snapshot: Snapshot, windowMs = 2000): { records: number; bytes: number } {
  const samples = useRef<Sample[]>([]).current;
  if (snapshot.summary) {
    const s = snapshot.summary;
    return s.wallMs > 0 ? { records: (s.records * 1000) / s.wallMs, bytes: (s.bytes * 1000) / s.wallMs } : { records: 0, bytes: 0 };
  }
  if (samples.at(-1)?.t !== snapshot.t) {
    samples.push({ t: snapshot.t, records: snapshot.records, bytes: snapshot.bytes });
    while (samples.length > 2 && samples[1]!.t <= snapshot.t - windowMs) samples.shift();
  }
  const first = samples[0]!;
  const last = samples.at(-1)!;
  const seconds = (last.t - first.t) / 1000;
  return seconds > 0 ? { records: (last.records - first.records) / seconds, bytes: (last.bytes - first.bytes) / seconds } : { records: 0, bytes: 0 };
}
