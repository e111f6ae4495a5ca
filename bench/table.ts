// The results table: one row per measured quantity, ours next to janus.js, and their ratio.
// Every quantity here is "lower is better", so ratio = janus.js / ours: above 1 we are ahead.
import { summarize, type Summary } from './stats.js';

export interface Row {
  scenario: string;
  metric: string;
  unit: 'ms' | 'count' | 'per min' | 'bytes';
  ours: number | null;
  janusjs: number | null;
  /** Shown instead of the plain number, e.g. "12.3 ms (p95 20.1, 20 runs)". */
  oursText?: string;
  janusjsText?: string;
  note?: string;
  /** One-way link delay the row was measured at (browser scenarios), ms. */
  delayMs?: number;
  /** The same page doing no Janus work, measured the same way: ours - floor is the keeper's own cost. */
  floor?: number;
  samples?: { ours?: Summary; janusjs?: Summary };
  /** Measured in another engine than the run's (its metric names it too). */
  engine?: 'firefox' | 'webkit';
}

export function fmt(value: number | null, unit: Row['unit']): string {
  if (value === null || Number.isNaN(value)) return 'n/a';
  switch (unit) {
    case 'ms':
      return value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${value.toFixed(value < 10 ? 2 : 1)} ms`;
    case 'bytes':
      return `${(value / 1024).toFixed(1)} KiB`;
    case 'per min':
      return `${value.toFixed(0)}/min`;
    default:
      return String(Math.round(value * 100) / 100);
  }
}

/** "median (p95, min-max, n runs)" of samples in ms. */
export function timing(samples: number[]): { value: number; text: string; summary: Summary } {
  const s = summarize(samples);
  const text = s.runs === 1 ? fmt(s.median, 'ms')
    : `${fmt(s.median, 'ms')} (p95 ${fmt(s.p95, 'ms')}, ${fmt(s.min, 'ms')}–${fmt(s.max, 'ms')}, n=${s.runs})`;
  return { value: s.median, text, summary: s };
}

export function ratio(row: Row): string {
  if (row.ours === null || row.janusjs === null) return 'n/a';
  if (row.ours === 0) return row.janusjs === 0 ? '1' : '∞';
  const r = row.janusjs / row.ours;
  return `${r >= 10 ? r.toFixed(0) : r.toFixed(2)}×`;
}

const link = (delayMs: number | undefined) => delayMs === undefined ? '-' : delayMs === 0 ? 'loopback' : `${delayMs} ms`;

export function markdown(rows: Row[]): string {
  const lines = ['| # | link, one way | metric | janus-keeper | floor (no Janus) | ours - floor | janus.js | janus.js ÷ ours |',
    '|---|---|---|---|---|---|---|---|'];
  for (const row of rows) {
    const note = row.note ? ` (${row.note})` : '';
    const floor = row.floor === undefined ? '' : fmt(row.floor, row.unit);
    const above = row.floor === undefined || row.ours === null ? '' : fmt(row.ours - row.floor, row.unit);
    lines.push(`| ${row.scenario} | ${link(row.delayMs)} | ${row.metric}${note} | ${row.oursText ?? fmt(row.ours, row.unit)} | ${floor} | ${above} | ${
      row.janusjsText ?? fmt(row.janusjs, row.unit)} | ${ratio(row)} |`);
  }
  return lines.join('\n');
}
