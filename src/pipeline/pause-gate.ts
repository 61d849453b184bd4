import { EventEmitter, once, setMaxListeners } from 'node:events';

/** Holds every source before its next pull while the run is paused (the `p` key). */
export function createPauseGate() {
  const events = new EventEmitter();
  setMaxListeners(0, events); // one waiter per running source; 10,000 is normal
  let paused = false;
  return {
    get paused() {
      return paused;
    },
    set(value: boolean) {
      paused = value;
      if (!paused) events.emit('resume');
    },
    async wait(signal: AbortSignal) {
      if (paused) await once(events, 'resume', { signal });
    },
  };
}
