import type { Measured } from './measure.js';

type Sides = Record<string, (() => Promise<Measured>) | undefined>;
type Best<T extends Sides> = { [K in keyof T]: undefined extends T[K] ? Measured | undefined : Measured };

/**
 * Runs each side `runs` times, alternating (a, b, a, b...) so load from other processes on a
 * shared machine hits both alike, and keeps each side's fastest run (best-of-N). Peak RSS and CPU
 * are taken from the same fastest run so the figures describe one real run. A side left
 * undefined (an optional baseline) is skipped.
 */
export async function bestOf<T extends Sides>(runs: number, sides: T): Promise<Best<T>> {
  const best: Record<string, Measured> = {};
  for (let i = 0; i < runs; i++) {
    for (const [key, side] of Object.entries(sides)) {
      if (!side) continue;
      const result = await side();
      if (!best[key] || result.wallMs < best[key].wallMs) best[key] = result;
    }
  }
  return best as Best<T>;
}
