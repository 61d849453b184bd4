/**
 * At most one of something on its way at a time: offered while one is, it goes once that one has
 * arrived, and offers made meanwhile count as one. This is what lets the dashboard's worker fall
 * behind (a loaded machine, 100,000 sources) without this thread packing snapshots nobody will
 * draw, or the worker's queue growing. It is not a throttle: while the worker keeps up, every
 * offer goes out at once, and the store's interval alone paces the frames.
 */
export function oneInFlight(send: () => void) {
  let inFlight = false;
  let waiting = false;
  function offer() {
    if (inFlight) {
      waiting = true;
      return;
    }
    inFlight = true;
    send();
  }
  return {
    offer,
    /** The one on its way has arrived: whatever was offered meanwhile goes now. */
    arrived() {
      inFlight = false;
      if (!waiting) return;
      waiting = false;
      offer();
    },
  };
}
