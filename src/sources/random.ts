/**
 * Deterministic randomness for simulated sources: the same seed, source name and chunk always
 * give the same numbers, so runs repeat and a resumed run regenerates the same chunk.
 */
export function randomFor(...parts: Array<string | number>): () => number {
  return mulberry32(hash(parts));
}

/** A small, fast 32-bit generator: uniform numbers in [0, 1) from a 32-bit state. */
export function mulberry32(state: number): () => number {
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * FNV-1a over the parts joined by NUL, code point by code point (the first UTF-16 unit of each),
 * without building the joined string: this runs once per simulated chunk.
 */
function hash(parts: Array<string | number>): number {
  let h = 2166136261;
  for (let p = 0; p < parts.length; p++) {
    if (p > 0) h = Math.imul(h ^ 0, 16777619);
    const text = String(parts[p]);
    for (let i = 0; i < text.length; i++) {
      const unit = text.charCodeAt(i);
      h = Math.imul(h ^ unit, 16777619);
      if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) i++; // skip the low surrogate
    }
  }
  return h >>> 0;
}
