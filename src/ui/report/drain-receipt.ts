import type { SourceState } from '../../pipeline/events.js';
import { type Checkpoint, describeCheckpoint } from '../../pipeline/persistence/checkpoints.js';
import { safeText } from '../../util/sanitize.js';
import { count, displayWidth, fit, stateLabel } from '../format.js';

export interface ReceiptRow {
  name: string;
  state: SourceState;
  records: number;
  persisted: number;
  deadLettered: number;
}

export interface Receipt {
  /** What stopped the run and how it ended: drained, grace period ran out, second signal. */
  headline: string;
  rows: ReceiptRow[];
  checkpoint(source: string): Checkpoint | undefined;
  checkpointDir?: string;
  /** How to go on instead of --resume --out (a fleet: the same command). */
  continueWith?: string;
  out?: string;
}

const MAX_ROWS = 20;

/**
 * Printed on stderr when Ctrl-C or SIGTERM stops a run: per source what is persisted, what was
 * read but dropped, and the checkpoint a --resume continues from. Numbers come from chunk events,
 * which the pipeline emits only after the chunk and its checkpoint are written.
 */
export function formatReceipt(receipt: Receipt): string {
  const ran = receipt.rows.filter((r) => r.state !== 'queued');
  const dropped = (r: ReceiptRow) => r.records - r.persisted - r.deadLettered;
  const total = (f: (r: ReceiptRow) => number) => count(ran.reduce((n, r) => n + f(r), 0));
  const stillGoing = ran.filter((r) => r.state === 'running').length;
  const lines = [
    `ingest-tui: drain receipt · ${receipt.headline} · persisted ${total((r) => r.persisted)} · dead-lettered ${total((r) => r.deadLettered)} · dropped ${total(dropped)}` +
      (stillGoing > 0 ? ` · ${count(stillGoing)} still stopping` : ''),
  ];
  // Sources that lost something or were cut off first: those are what a reader looks for.
  const rank = (r: ReceiptRow) => (r.state === 'running' ? 0 : dropped(r) > 0 ? 1 : r.state === 'done' ? 3 : 2);
  const shown = [...ran].sort((a, b) => rank(a) - rank(b)).slice(0, MAX_ROWS);
  const width = Math.min(32, Math.max(6, ...shown.map((r) => displayWidth(safeText(r.name)))));
  if (shown.length > 0)
    lines.push(`  ${fit('source', width)}  ${fit('state', 9)}  ${fit('persisted', 10, 'right')}  ${fit('dropped', 8, 'right')}  checkpoint`);
  for (const r of shown) {
    const state = r.state === 'running' ? 'stopping' : stateLabel[r.state];
    lines.push(
      `  ${fit(safeText(r.name), width)}  ${fit(state, 9)}  ${fit(count(r.persisted), 10, 'right')}  ${fit(count(dropped(r)), 8, 'right')}  ${describeCheckpoint(receipt.checkpoint(r.name))}`,
    );
  }
  if (shown.length < ran.length) lines.push(`  … and ${count(ran.length - shown.length)} more sources`);
  const queued = receipt.rows.length - ran.length;
  if (queued > 0) lines.push(`  ${count(queued)} queued source${queued === 1 ? '' : 's'} never started`);
  const continueWith = receipt.continueWith ?? `--resume --out ${receipt.out ?? ''}`;
  if (receipt.checkpointDir) lines.push(`checkpoints in ${safeText(receipt.checkpointDir)} · continue with: ${safeText(continueWith)}`);
  return `${lines.join('\n')}\n`;
}
