import { cpus, loadavg, totalmem } from 'node:os';
import type { Row } from './types.js';

export function machine() {
  const cpu = cpus();
  return {
    cpu: cpu[0]?.model.trim() ?? 'unknown',
    cores: cpu.length,
    memory: `${(totalmem() / 1024 ** 3).toFixed(1)} GiB`,
    node: process.version,
    os: `${process.platform} ${process.arch}`,
    load: loadavg()
      .map((n) => n.toFixed(2))
      .join(' '),
  };
}

const figure = (value: number | undefined, unit: string) => {
  if (value === undefined || !Number.isFinite(value)) return '—';
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return `${value.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits })} ${unit}`;
};

/** ingest-tui / baseline, the reading for every unit (throughput: above 1 is better). */
const ratio = (row: Row) => (row.ours !== undefined && row.baseline ? row.ours / row.baseline : undefined);

const HEADER = ['case', 'measure', 'ingest-tui', 'baseline', 'against', 'ratio', 'target'];

function cells(row: Row): string[] {
  if (row.na) return [row.case, row.measure, row.na, '', '', '', ''];
  const r = ratio(row);
  const target = row.target ? `${row.target.text} ${row.target.met ? '✓' : '✗'}` : '';
  return [
    row.case,
    row.measure,
    figure(row.ours, row.unit),
    figure(row.baseline, row.unit),
    row.against ?? '',
    r === undefined ? '' : `${r.toFixed(2)}×`,
    target,
  ];
}

export function textTable(rows: Row[]): string {
  const measured = [HEADER, ...rows.filter((r) => !r.na).map(cells)];
  const widths = HEADER.map((_, i) => Math.max(...measured.map((r) => r[i]!.length)));
  const right = new Set([2, 3, 5]);
  const line = (r: string[]) =>
    r
      .map((c, i) => (right.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  // An n/a row is one note across the figures; it does not widen the columns.
  return [HEADER, ...rows.map(cells)].map((r, i) => (i > 0 && rows[i - 1]!.na ? `${line(r.slice(0, 2))}  ${r[2]}` : line(r))).join('\n');
}

export function markdownTable(rows: Row[]): string {
  const esc = (s: string) => s.replaceAll('|', '\\|');
  return [
    `| ${HEADER.join(' | ')} |`,
    `|${HEADER.map((_, i) => ([2, 3, 5].includes(i) ? '---:' : '---')).join('|')}|`,
    ...rows.map((row) => `| ${cells(row).map(esc).join(' | ')} |`),
  ].join('\n');
}
