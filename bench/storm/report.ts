// Figures of one storm scenario, its ASCII curve and the side-by-side markdown table.
import type { ClientResult } from './protocol.js';
import type { Simulated } from './simulate.js';

export const WINDOW_MS = 100;

export interface ScenarioFigures {
  label: string;
  scenario: 'A' | 'B';
  clients: number;
  /** Clients that had a session before the fault. */
  up: number;
  attempts: number;
  /** Connection attempts per 100 ms window, from the fault on. */
  windows: number[];
  peakWindow: number;
  peakPct: number;
  /** The same, as the clients started them (their timers), before the proxy and the machine's load. */
  clientPeakWindow: number;
  /** Last attempt start -> ready, per client: median / p95 / max. */
  attemptToReadyMs: [number, number, number] | undefined;
  ready50Ms?: number;
  ready95Ms?: number;
  ready100Ms?: number;
  ready: number;
  /** When the last client noticed the drop. */
  droppedAllMs?: number;
  /** Worst event-loop delay in a client process after the fault. */
  lagMs: number;
  /** CPU time from the fault until ready: all client processes, and Janus. */
  clientCpuMs: number;
  janusCpuMs?: number;
  sameSession: number;
  echoed: number;
  claims: number;
  creates: number;
  failedAttempts: number;
  rssMB: number;
  rssPer1000MB: number;
  rssAbovePer1000MB: number;
  /** JS heap the keepers hold (after a GC), per 1,000 sessions. */
  heapPer1000MB: number;
  janusRssMB?: number;
  janusDownMs?: number;
  wallMs: number;
  /** The schedule alone (no sockets, no load), for A. */
  simulated?: Simulated;
}

export interface Measured {
  label: string;
  scenario: 'A' | 'B';
  clients: number;
  t0: number;
  attemptTimes: number[];
  results: ClientResult[];
  lagMs: number;
  cpuMs: number;
  janusCpuMs?: number;
  rss: number;
  baselineRss: number;
  heapAbove: number;
  janusRss?: number;
  janusDownMs?: number;
  wallMs: number;
}

const MB = 1024 * 1024;

function perWindow(times: number[], t0: number): number[] {
  const windows: number[] = [];
  for (const at of times) {
    const index = Math.max(0, Math.floor((at - t0) / WINDOW_MS));
    while (windows.length <= index) windows.push(0);
    windows[index]!++;
  }
  return windows;
}

function quantiles(values: number[]): [number, number, number] | undefined {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return undefined;
  return [sorted[Math.floor(sorted.length / 2)]!, sorted[Math.ceil(0.95 * sorted.length) - 1]!, sorted.at(-1)!];
}

export function figures(m: Measured): ScenarioFigures {
  const windows = perWindow(m.attemptTimes, m.t0);
  const clientWindows = perWindow(m.results.flatMap((r) => r.attemptTimes), m.t0);
  const attemptToReady = m.results.flatMap((r) => {
    const last = r.attemptTimes.filter((at) => r.readyAt !== undefined && at <= r.readyAt).at(-1);
    return r.readyAt === undefined || last === undefined ? [] : [r.readyAt - last];
  });
  const up = m.results.length;
  // A: ready counts only on the client's own session (a new one would be a failure of the claim).
  const back = m.results.filter((r) => r.readyAt !== undefined && (m.scenario === 'B' || r.sameSession));
  const delays = back.map((r) => r.readyAt! - m.t0).sort((a, b) => a - b);
  const at = (q: number) => delays[Math.ceil(q * up) - 1];
  const sum = (pick: (r: ClientResult) => number) => m.results.reduce((total, r) => total + pick(r), 0);
  const peakWindow = Math.max(0, ...windows);
  const f: ScenarioFigures = {
    label: m.label, scenario: m.scenario, clients: m.clients, up,
    attempts: m.attemptTimes.length, windows, peakWindow, peakPct: (100 * peakWindow) / Math.max(1, m.clients),
    clientPeakWindow: Math.max(0, ...clientWindows), attemptToReadyMs: quantiles(attemptToReady),
    ready: delays.length, lagMs: m.lagMs, clientCpuMs: m.cpuMs,
    sameSession: m.results.filter((r) => r.sameSession).length,
    echoed: m.results.filter((r) => r.echoed).length,
    claims: sum((r) => r.claims), creates: sum((r) => r.creates),
    failedAttempts: sum((r) => r.attempts - r.claims - r.creates),
    rssMB: m.rss / MB,
    rssPer1000MB: (m.rss / MB / Math.max(1, up)) * 1000,
    rssAbovePer1000MB: ((m.rss - m.baselineRss) / MB / Math.max(1, up)) * 1000,
    heapPer1000MB: (m.heapAbove / MB / Math.max(1, up)) * 1000,
    wallMs: m.wallMs,
  };
  const [p50, p95, p100] = [at(0.5), at(0.95), at(1)];
  if (p50 !== undefined) f.ready50Ms = p50;
  if (p95 !== undefined) f.ready95Ms = p95;
  if (p100 !== undefined && delays.length === up) f.ready100Ms = p100;
  const dropped = m.results.flatMap((r) => (r.droppedAt === undefined ? [] : [r.droppedAt - m.t0]));
  if (dropped.length === up && up > 0) f.droppedAllMs = Math.max(...dropped);
  if (m.janusCpuMs !== undefined) f.janusCpuMs = m.janusCpuMs;
  if (m.janusRss !== undefined) f.janusRssMB = m.janusRss / MB;
  if (m.janusDownMs !== undefined) f.janusDownMs = m.janusDownMs;
  return f;
}

/** Attempts per 100 ms window as horizontal bars (the first 6 s; later attempts are summed). */
export function plot(f: ScenarioFigures, width = 50, rows = 60): string {
  const shown = f.windows.slice(0, rows);
  const scale = Math.max(1, f.peakWindow);
  const lines = shown.map((count, i) => `${((i * WINDOW_MS) / 1000).toFixed(1).padStart(5)} s |${'#'.repeat(
    Math.round((count / scale) * width))}${count > 0 ? ` ${count}` : ''}`);
  const later = f.windows.slice(rows).reduce((a, b) => a + b, 0);
  if (later > 0) lines.push(`  (${later} more attempts after ${(rows * WINDOW_MS) / 1000} s)`);
  return `${f.label}: connection attempts per ${WINDOW_MS} ms after the fault\n${lines.join('\n')}`;
}

const msOr = (value: number | undefined) => (value === undefined ? 'not reached' : `${Math.round(value)} ms`);

export function table(all: ScenarioFigures[]): string {
  const rows: [string, (f: ScenarioFigures) => string][] = [
    ['clients with a session before the fault', (f) => `${f.up} / ${f.clients}`],
    ['connection attempts (proxy)', (f) => String(f.attempts)],
    ['peak attempts in one 100 ms window', (f) => `${f.peakWindow} (${f.peakPct.toFixed(1)} % of clients)`],
    ['peak in one 100 ms window as the clients started them', (f) =>
      `${f.clientPeakWindow} (${((100 * f.clientPeakWindow) / Math.max(1, f.clients)).toFixed(1)} %)`],
    ['attempt -> ready, median / p95 / max', (f) => (f.attemptToReadyMs === undefined ? '-'
      : f.attemptToReadyMs.map((v) => Math.round(v)).join(' / ') + ' ms')],
    ['every client noticed the drop', (f) => msOr(f.droppedAllMs)],
    ['50 % ready', (f) => msOr(f.ready50Ms)],
    ['95 % ready', (f) => msOr(f.ready95Ms)],
    ['100 % ready', (f) => msOr(f.ready100Ms)],
    ['ready by the deadline (A: on their own session)', (f) => `${f.ready} / ${f.up}`],
    ['on their own session (A) / new session (B)', (f) => String(f.scenario === 'A' ? f.sameSession : f.ready - f.sameSession)],
    ['EchoTest answers afterwards', (f) => `${f.echoed} / ${f.up}`],
    ['claims / creates', (f) => `${f.claims} / ${f.creates}`],
    ['failed attempts (keepers; B: refused while Janus was down + one 458 claim each)', (f) => String(f.failedAttempts)],
    ['worst event-loop delay in a client process', (f) => `${Math.round(f.lagMs)} ms`],
    ['CPU used until ready: clients / Janus', (f) =>
      `${Math.round(f.clientCpuMs)} / ${f.janusCpuMs === undefined ? '-' : Math.round(f.janusCpuMs)} ms`],
    ['client RSS, total', (f) => `${f.rssMB.toFixed(0)} MB`],
    ['client RSS per 1,000 sessions (total / above idle processes)',
      (f) => `${f.rssPer1000MB.toFixed(0)} / ${f.rssAbovePer1000MB.toFixed(0)} MB`],
    ['schedule alone (simulated): busiest window, median / p95 of trials', (f) =>
      (f.simulated ? `${f.simulated.peakPct[0].toFixed(1)} / ${f.simulated.peakPct[1].toFixed(1)} %` : '-')],
    ['schedule alone: trials with no window above 10 %', (f) => (f.simulated ? `${f.simulated.within10Pct.toFixed(0)} %` : '-')],
    ['schedule alone: last first retry (p95 of trials)', (f) => (f.simulated ? `${Math.round(f.simulated.lastMs[1])} ms` : '-')],
    ['JS heap per 1,000 sessions (after a GC)', (f) => `${f.heapPer1000MB.toFixed(0)} MB`],
    ['Janus RSS', (f) => (f.janusRssMB === undefined ? '-' : `${f.janusRssMB.toFixed(0)} MB`)],
    ['Janus down (kill -> answering)', (f) => (f.janusDownMs === undefined ? '-' : `${Math.round(f.janusDownMs)} ms`)],
  ];
  const header = `| | ${all.map((f) => f.label).join(' | ')} |`;
  const rule = `|---|${all.map(() => '---').join('|')}|`;
  return [header, rule, ...rows.map(([name, cell]) => `| ${name} | ${all.map(cell).join(' | ')} |`)].join('\n');
}
