import type { EventBus } from '../../pipeline/events.js';
import { jsonLine } from '../../util/sanitize.js';

/**
 * --json: every event as one line of JSON on stdout, the summary last. jsonLine escapes control
 * characters, so untrusted names cannot reach a terminal raw through this path either.
 */
export function attachJsonReporter(bus: EventBus, out: NodeJS.WritableStream = process.stdout) {
  return bus.subscribe((event) => {
    out.write(`${jsonLine(event)}\n`);
  });
}
