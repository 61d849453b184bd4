import type { Summary } from '../../src/pipeline/events.js';
import { expectOk, type Measured, type MeasureOptions, measure } from './measure.js';
import { type BenchContext, FeatureNotAvailable } from './types.js';

/**
 * Runs the built CLI. A feature another branch brings (a sink, a source kind, the dashboard) is
 * reported by the CLI as a usage error (exit 2): that becomes "n/a" in the table, not a failure.
 */
export async function ingestTui(ctx: BenchContext, args: string[], options: Partial<MeasureOptions> = {}): Promise<Measured> {
  const result = await measure(ctx.cli, args, { tmpDir: ctx.tmpDir, ...options, node: true });
  if (result.code === 2) {
    const reason = result.stderr.trim().split('\n')[0] ?? '';
    if (/not available yet|unknown kind|unknown option|invalid.*choice/i.test(reason))
      throw new FeatureNotAvailable(reason.replace(/^ingest-tui: /, '').replace(/^\S+\.json: /, ''));
  }
  return expectOk(`ingest-tui ${args.join(' ')}`, result);
}

/** The summary line of a --json run. */
export function summaryOf(result: Measured): Summary {
  const line = result.lines.findLast((l) => l.startsWith('{"type":"summary"'));
  if (!line) throw new Error('no summary line in the --json output');
  return JSON.parse(line) as Summary;
}

export const metricsAndSummary = (line: string) => line.startsWith('{"type":"summary"') || line.startsWith('{"type":"metrics"');
