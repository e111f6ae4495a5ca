// The storm's picture: connection attempts per 100 ms window after the drop, one line per
// schedule of scenario A (ours, socket.io's, Phoenix's), as one SVG (bench/svg.ts).
import { chart } from '../svg.js';
import type { ScenarioFigures } from './report.js';

export function stormPicture(all: Pick<ScenarioFigures, 'label' | 'scenario' | 'windows'>[], clients: number): string {
  const series = all.filter((f) => f.scenario === 'A').map((f) => ({
    label: f.label.replace(/^A: /, ''),
    points: [...f.windows, 0].map((count, i) => [i / 10, count] as [number, number]),
  }));
  return chart([{ title: `Reconnect storm: ${clients.toLocaleString('en')} clients dropped at once (A: Janus keeps the sessions)`,
    xLabel: 'seconds after the drop', yLabel: 'connection attempts per 100 ms', series, steps: true }],
  'Attempts seen at the proxy, per 100 ms window; npm run bench:storm');
}
