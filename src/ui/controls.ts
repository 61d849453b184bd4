/**
 * What the dashboard's keys can ask of a run. `PipelineRun` fits as it is; a replay has only
 * `stop` (there is nothing to cancel, resize or pause in a recording).
 */
export interface DashboardControls {
  stop(kind: 'quit' | 'SIGINT'): void;
  cancel?(source: string): boolean;
  setConcurrency?(concurrency: number): void;
  setPaused?(paused: boolean): void;
}
