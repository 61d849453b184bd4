/**
 * What the dashboard's keys can ask of a run. `PipelineRun` fits as it is; a replay can stop,
 * pause and step (there is nothing to cancel or resize in a recording).
 */
export interface DashboardControls {
  stop(kind: StopKind): void;
  cancel?(source: string): boolean;
  setConcurrency?(concurrency: number): void;
  setPaused?(paused: boolean): void;
  /** → : on to the next thing a source does, then pause. */
  step?(): void;
  /** The run is over and its final picture stays until q: stop() only lets the dashboard go. */
  over?: boolean;
}

export type StopKind = 'quit' | 'SIGINT';

/**
 * A key's request to the run. It is sent and not waited for: the dashboard draws in another
 * thread than the run's, and a thread that blocks until the other answers is how a key pressed
 * as the dashboard closed once stalled the exit for 2 s. What came of it comes back as an answer.
 */
export type ControlRequest =
  | { op: 'stop'; kind: StopKind }
  | { op: 'cancel'; source: string }
  | { op: 'setConcurrency'; concurrency: number }
  | { op: 'setPaused'; paused: boolean }
  | { op: 'step' };

export type ControlOp = ControlRequest['op'];

/** Why a run did not do it: there is no run yet, this run has no such control (a replay), or the scene is over. */
export type Refusal = 'no-run' | 'not-offered' | 'over';

interface Outcomes {
  stop: 'stopping';
  cancel: 'cancelled' | 'not-running';
  setConcurrency: 'done';
  setPaused: 'done';
  step: 'done';
}

/** The request, with what came of it. */
export type ControlAnswer = { [Op in ControlOp]: Extract<ControlRequest, { op: Op }> & { outcome: Outcomes[Op] | Refusal } }[ControlOp];

/** Do what a request asks of the run there is now, if it can (on the run's thread). */
export function applyControl(controls: DashboardControls | undefined, request: ControlRequest): ControlAnswer {
  if (!controls) return { ...request, outcome: 'no-run' };
  // q still leaves the final picture; the run's own keys have nothing left to do.
  if (controls.over && request.op !== 'stop') return { ...request, outcome: 'over' };
  switch (request.op) {
    case 'stop':
      controls.stop(request.kind);
      return { ...request, outcome: 'stopping' };
    case 'cancel':
      if (!controls.cancel) return { ...request, outcome: 'not-offered' };
      return { ...request, outcome: controls.cancel(request.source) ? 'cancelled' : 'not-running' };
    case 'setConcurrency':
      if (!controls.setConcurrency) return { ...request, outcome: 'not-offered' };
      controls.setConcurrency(request.concurrency);
      return { ...request, outcome: 'done' };
    case 'setPaused':
      if (!controls.setPaused) return { ...request, outcome: 'not-offered' };
      controls.setPaused(request.paused);
      return { ...request, outcome: 'done' };
    case 'step':
      if (!controls.step) return { ...request, outcome: 'not-offered' };
      controls.step();
      return { ...request, outcome: 'done' };
  }
}

/** The dashboard's end of the controls: requests go out, their answers come back later, in order. */
export interface ControlChannel {
  send(request: ControlRequest): void;
  /** Hear every answer from now on; returns the way to stop hearing them. */
  onAnswer(listener: (answer: ControlAnswer) => void): () => void;
}

/** A channel whose requests go to `send`; `answer` hands an answer to whoever listens. */
export function controlChannel(send: (request: ControlRequest) => void) {
  const listeners = new Set<(answer: ControlAnswer) => void>();
  const channel: ControlChannel = {
    send,
    onAnswer(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
  const answer = (answer: ControlAnswer) => {
    for (const listener of listeners) listener(answer);
  };
  return { channel, answer };
}

/**
 * Controls in this thread (tests, benches, a view with no run): done and answered a microtask
 * after the key, as a message would be, never while the key is being handled.
 */
export function localControls(controls: () => DashboardControls | undefined): ControlChannel {
  const { channel, answer } = controlChannel((request) => queueMicrotask(() => answer(applyControl(controls(), request))));
  return channel;
}
