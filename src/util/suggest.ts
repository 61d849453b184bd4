/**
 * "Did you mean …?": the candidate nearest to what was typed, when it is near enough to be a typo
 * (a few edits, and fewer than half the word). No zod, no commander: --help and errors load it.
 */
export function closest(typed: string, candidates: Iterable<string>): string | undefined {
  const word = typed.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = distance(word, candidate.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  const allowed = Math.min(3, Math.max(1, Math.floor(typed.length / 2)));
  return bestDistance > 0 && bestDistance <= allowed ? best : undefined;
}

/** ` (did you mean "latency"?)`, or nothing. */
export function didYouMean(typed: string, candidates: Iterable<string>, quote = (s: string) => JSON.stringify(s)): string {
  const match = closest(typed, candidates);
  return match === undefined ? '' : ` (did you mean ${quote(match)}?)`;
}

/** Optimal string alignment distance: insertions, deletions, substitutions and swaps of two neighbours. */
function distance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 3) return Infinity; // not a typo: no need to count
  const rows = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) rows[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = d;
    }
  }
  return rows[a.length]![b.length]!;
}
