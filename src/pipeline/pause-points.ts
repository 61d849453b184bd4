import type { PipelineEvent } from './events.js';

/**
 * A lesson's key moments (`lesson.pauseAt` in ingest.json): the dashboard's run pauses there by
 * itself, with the caption on screen, so the lecturer can explain before time goes on.
 */
export interface PausePoint {
  /** "deadline": as the run deadline hits, before the cancellation lands; "start"/"end": a source's. */
  at: 'deadline' | 'start' | 'end';
  /** For "start" and "end": that source (any source when absent). */
  source?: string;
  caption: string;
}

/** The events a step (→) runs to: one thing a source did. Metrics and bookkeeping do not count. */
const STEP_STOPS = new Set<PipelineEvent['type']>(['source-start', 'chunk', 'note', 'retry', 'source-end', 'stopping']);

/**
 * Decides after each event whether the run should pause now: at a key moment (each pauses once),
 * or after a step. Returns the caption to pause with.
 */
export function pauseDecider(points: readonly PausePoint[] = []) {
  const left = [...points];
  let stepping = false;
  return {
    /** Run on until the next step stop, then pause. */
    step() {
      stepping = true;
    },
    after(event: PipelineEvent): string | undefined {
      const i = left.findIndex((p) => matches(p, event));
      if (i !== -1) {
        stepping = false;
        return left.splice(i, 1)[0]!.caption;
      }
      if (stepping && STEP_STOPS.has(event.type)) {
        stepping = false;
        return 'step: → for the next one, p to run on';
      }
      return undefined;
    },
  };
}

function matches(point: PausePoint, event: PipelineEvent): boolean {
  switch (point.at) {
    case 'deadline':
      return event.type === 'stopping' && event.reason === 'deadline';
    case 'start':
      return event.type === 'source-start' && (point.source === undefined || event.source === point.source);
    case 'end':
      return event.type === 'source-end' && (point.source === undefined || event.source === point.source);
  }
}
