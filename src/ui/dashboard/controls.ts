/**
 * What the dashboard's keys can ask of a run. `PipelineRun` fits as it is; a replay can stop,
 * pause and step (there is nothing to cancel or resize in a recording).
 */
export interface DashboardControls {
  stop(kind: 'quit' | 'SIGINT'): void;
  cancel?(source: string): boolean;
  setConcurrency?(concurrency: number): void;
  setPaused?(paused: boolean): void;
  /** → : on to the next thing a source does, then pause. */
  step?(): void;
  /** The run is over and its final picture stays until q: stop() only lets the dashboard go. */
  over?: boolean;
}
