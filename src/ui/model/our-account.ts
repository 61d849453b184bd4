import { captionOf, focusOf } from './lecture.js';
import type { Snapshot } from './store.js';

/** Seconds of lecture time (run time over --slowmo), as the twins print them: "0.5 s". */
const seconds = (ms: number, slowmo: number) => `${(ms / slowmo / 1000).toFixed(1)} s`;

/** More sources than this are counted, not listed (06's ten thousand). */
const LISTED = 6;

/**
 * This run told the way the Python twin prints its own (twin.out): who started when, who ended
 * when and how; in lecture time, so the two columns compare line for line. Last, what it showed
 * (the scene's caption) or the total: the line that stays when there is room for few.
 * Where the point is a number (memory, lag, in flight), the counts and that number.
 */
export function ourAccount(snapshot: Snapshot, now: number): string[] {
  const slowmo = snapshot.slowmo || 1;
  const wall = snapshot.summary?.wallMs ?? now;
  const views = snapshot.sources;
  const focus = focusOf(snapshot);
  const last = (snapshot.summary && captionOf(snapshot, wall)) || `${snapshot.summary ? 'total' : 'so far'} ${seconds(wall, slowmo)}`;
  if (views.length > LISTED || focus === 'memory' || focus === 'lag' || focus === 'in-flight') {
    const { running, done, failed, cancelled } = snapshot.counts;
    return [
      `${views.length.toLocaleString('en-US')} sources · peak ${snapshot.peakRunning.toLocaleString('en-US')} in flight`,
      `${done.toLocaleString('en-US')} done · ${failed} failed · ${cancelled} cancelled · ${running.toLocaleString('en-US')} running`,
      `${snapshot.summary ? 'total' : 'so far'} ${seconds(wall, slowmo)} · max lag ${Math.round(snapshot.maxLagMs)} ms`,
      last,
    ];
  }
  const started = views.filter((v) => v.startedAt !== undefined).sort((a, b) => a.startedAt! - b.startedAt!);
  const ended = views.filter((v) => v.endedAt !== undefined).sort((a, b) => a.endedAt! - b.endedAt!);
  return [
    ...started.map((v) => `start ${v.name} at ${seconds(v.startedAt!, slowmo)}`),
    ...ended.map((v) => `${v.state.padEnd(5)} ${v.name} at ${seconds(v.endedAt!, slowmo)}`),
    last,
  ];
}
