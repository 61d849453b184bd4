/**
 * Deterministic randomness for simulated sources: the same seed, source name and chunk always
 * give the same numbers, so runs repeat and a resumed run regenerates the same chunk.
 */
export function randomFor(...parts: Array<string | number>): () => number {
  let h = 2166136261;
  for (const ch of parts.join('\u0000')) h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
  let state = h >>> 0;
  // mulberry32
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
