// Hand-written SVG line charts for the bench pictures (no chart dependency): one or more panels,
// each with axes, ticks, a legend and one polyline + markers per series.
export interface Series {
  label: string;
  points: [number, number][];
  /** Dashed line (e.g. a floor or a reference). */
  dashed?: boolean;
  /** A colour of its own (default: the next of the palette). */
  color?: string;
}

export interface Panel {
  title: string;
  xLabel: string;
  yLabel: string;
  series: Series[];
  /** Tick positions on x (default: 6 even steps). */
  xTicks?: number[];
  /** Draw x as steps (a histogram over windows) instead of straight segments. */
  steps?: boolean;
}

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#7f7f7f'];
const W = 640, H = 300, M = { left: 64, right: 16, top: 34, bottom: 46 };

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const num = (n: number) => (Math.round(n * 10) / 10).toString();

/** A "nice" upper bound and step for an axis from 0 to max. */
function niceAxis(max: number): { top: number; step: number } {
  if (!(max > 0)) return { top: 1, step: 0.2 };
  const raw = max / 5;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((f) => f * magnitude).find((s) => s >= raw)!;
  return { top: Math.ceil(max / step) * step, step };
}

function panel(p: Panel, offsetY: number): string {
  const all = p.series.flatMap((s) => s.points);
  const xMax = Math.max(...all.map(([x]) => x), ...(p.xTicks ?? []));
  const xMin = Math.min(0, ...all.map(([x]) => x));
  const y = niceAxis(Math.max(...all.map(([, v]) => v)));
  const plotW = W - M.left - M.right, plotH = H - M.top - M.bottom;
  const sx = (x: number) => M.left + ((x - xMin) / Math.max(1e-9, xMax - xMin)) * plotW;
  const sy = (v: number) => offsetY + M.top + plotH - (v / y.top) * plotH;
  const out: string[] = [];
  out.push(`<text x="${M.left}" y="${offsetY + 20}" font-size="14" font-weight="bold">${escape(p.title)}</text>`);
  out.push(`<line x1="${M.left}" y1="${sy(0)}" x2="${M.left + plotW}" y2="${sy(0)}" stroke="#333"/>`);
  out.push(`<line x1="${M.left}" y1="${sy(0)}" x2="${M.left}" y2="${sy(y.top)}" stroke="#333"/>`);
  for (let v = 0; v <= y.top + 1e-9; v += y.step) {
    out.push(`<line x1="${M.left}" y1="${num(sy(v))}" x2="${M.left + plotW}" y2="${num(sy(v))}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${M.left - 6}" y="${num(sy(v) + 4)}" font-size="11" text-anchor="end">${num(v)}</text>`);
  }
  const xAxis = niceAxis(xMax - xMin);
  const xTicks = p.xTicks ?? Array.from({ length: Math.floor((xMax - xMin) / xAxis.step + 1e-9) + 1 }, (_, i) => xMin + i * xAxis.step);
  for (const x of xTicks) {
    out.push(`<text x="${num(sx(x))}" y="${num(sy(0) + 16)}" font-size="11" text-anchor="middle">${num(x)}</text>`);
  }
  out.push(`<text x="${M.left + plotW / 2}" y="${offsetY + H - 8}" font-size="12" text-anchor="middle">${escape(p.xLabel)}</text>`);
  out.push(`<text x="14" y="${offsetY + M.top + plotH / 2}" font-size="12" text-anchor="middle" transform="rotate(-90 14 ${offsetY + M.top + plotH / 2})">${escape(p.yLabel)}</text>`);
  p.series.forEach((s, i) => {
    const color = s.color ?? COLORS[i % COLORS.length]!;
    const pts: [number, number][] = p.steps
      ? s.points.flatMap(([x, v], j) => [[x, v], [s.points[j + 1]?.[0] ?? x, v]] as [number, number][])
      : s.points;
    const d = pts.map(([x, v]) => `${num(sx(x))},${num(sy(v))}`).join(' ');
    out.push(`<polyline fill="none" stroke="${color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="5 4"' : ''} points="${d}"/>`);
    if (!p.steps) for (const [x, v] of s.points) out.push(`<circle cx="${num(sx(x))}" cy="${num(sy(v))}" r="3" fill="${color}"/>`);
    const lx = M.left + plotW - 200, ly = offsetY + M.top + 4 + i * 16;
    out.push(`<line x1="${lx}" y1="${ly}" x2="${lx + 18}" y2="${ly}" stroke="${color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="5 4"' : ''}/>`);
    out.push(`<text x="${lx + 24}" y="${ly + 4}" font-size="11">${escape(s.label)}</text>`);
  });
  return out.join('\n');
}

/** Panels stacked vertically in one SVG document. */
export function chart(panels: Panel[], caption?: string): string {
  const height = panels.length * H + (caption ? 24 : 0);
  const body = panels.map((p, i) => panel(p, i * H)).join('\n');
  const foot = caption ? `\n<text x="${M.left}" y="${height - 8}" font-size="11" fill="#555">${escape(caption)}</text>` : '';
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${height}" viewBox="0 0 ${W} ${height}" font-family="sans-serif">\n` +
    `<rect width="100%" height="100%" fill="#fff"/>\n${body}${foot}\n</svg>\n`;
}
