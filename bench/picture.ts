// `npm run bench`'s picture: reload and recovery times per link delay for both clients (medians),
// drawn from the result rows as one SVG (bench/svg.ts).
import { chart, type Series } from './svg.js';
import type { Row } from './table.js';

function byDelay(rows: Row[], metric: string, pick: (row: Row) => number | null | undefined): [number, number][] {
  return rows.filter((row) => row.metric === metric && row.delayMs !== undefined)
    .map((row) => [row.delayMs!, pick(row)] as [number, number | null | undefined])
    .filter((point): point is [number, number] => typeof point[1] === 'number' && Number.isFinite(point[1]))
    .sort((a, b) => a[0] - b[0]);
}

// One colour per client in both panels; the transport is the line style.
const OURS = '#1f77b4', THEIRS = '#d62728', FLOOR = '#7f7f7f';

export function benchPicture(rows: Row[]): string {
  const delays = [...new Set(rows.flatMap((row) => (row.delayMs === undefined ? [] : [row.delayMs])))].sort((a, b) => a - b);
  const reload = 'reload -> handle usable again';
  const reloadSeries: Series[] = [
    { label: 'janus-keeper', points: byDelay(rows, reload, (row) => row.ours), color: OURS },
    { label: 'janus.js', points: byDelay(rows, reload, (row) => row.janusjs), color: THEIRS },
    { label: 'floor (same page, no Janus)', points: byDelay(rows, reload, (row) => row.floor), dashed: true, color: FLOOR },
  ];
  const recoverySeries: Series[] = [];
  for (const kind of ['ws', 'http']) {
    const metric = `${kind}: first connection after the restore -> first EchoTest answer`;
    recoverySeries.push({ label: `janus-keeper, ${kind}`, points: byDelay(rows, metric, (row) => row.ours), dashed: kind === 'http', color: OURS });
    recoverySeries.push({ label: `janus.js, ${kind}`, points: byDelay(rows, metric, (row) => row.janusjs), dashed: kind === 'http', color: THEIRS });
  }
  return chart([
    { title: 'Reload -> handle usable again (median)', xLabel: 'one-way link delay, ms', yLabel: 'ms', series: reloadSeries, xTicks: delays },
    { title: 'First connection after an outage -> first answer (median)', xLabel: 'one-way link delay, ms', yLabel: 'ms',
      series: recoverySeries, xTicks: delays },
  ], 'npm run bench: one Janus, Debian Chromium, the fault proxy adding the delay each way');
}
