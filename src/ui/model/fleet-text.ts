import { safeText } from '../../util/sanitize.js';
import { count } from '../format.js';
import type { Snapshot } from './store.js';

/**
 * A fleet worker's dashboard shows only the sources it ran: the whole run is the database's
 * (`fleet NAME` watches it), and this says how far it is and who else works on it.
 */
export function fleetText(fleet: NonNullable<Snapshot['fleet']>): string {
  const name = `fleet ${safeText(fleet.run, 64)}`;
  const me = `this worker ${safeText(fleet.worker, 80)}`;
  const t = fleet.totals;
  if (!t) return `${name} · ${me}`;
  const open = (t.states.queued ?? 0) + (t.states.running ?? 0);
  const workers = t.workers.filter((w) => w.holding > 0).length;
  return `${name}: ${count(t.sources - open)}/${count(t.sources)} final · ${count(workers)} worker${workers === 1 ? '' : 's'} holding · ${count(t.persisted)} persisted · ${me}`;
}
