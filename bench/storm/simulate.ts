// The schedule alone, without sockets or a loaded machine: N clients that lost their links at the
// same instant each draw their first retry delay (in scenario A the first claim succeeds). Over many
// trials: how full the busiest 100 ms window gets, and when the last client retries.
import type { RetrySchedule } from '../../src/worker/recovery/backoff.js';
import { WINDOW_MS } from './report.js';

export interface Simulated {
  /** Busiest window as % of clients: median and 95th percentile over the trials. */
  peakPct: [number, number];
  /** Share of trials whose busiest window held at most 10 % of the clients. */
  within10Pct: number;
  /** The last client's first retry (ms): median and 95th percentile over the trials. */
  lastMs: [number, number];
}

export function simulate(schedule: RetrySchedule, clients: number, trials = 500): Simulated {
  const peaks: number[] = [];
  const lasts: number[] = [];
  for (let trial = 0; trial < trials; trial++) {
    const windows = new Map<number, number>();
    let last = 0;
    for (let i = 0; i < clients; i++) {
      const delay = schedule(0, 'server', Math.random);
      const index = Math.floor(delay / WINDOW_MS);
      windows.set(index, (windows.get(index) ?? 0) + 1);
      last = Math.max(last, delay);
    }
    peaks.push((100 * Math.max(...windows.values())) / clients);
    lasts.push(last);
  }
  const q = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.ceil(p * values.length) - 1]!;
  return {
    peakPct: [q(peaks, 0.5), q(peaks, 0.95)],
    within10Pct: (100 * peaks.filter((peak) => peak <= 10).length) / trials,
    lastMs: [q(lasts, 0.5), q(lasts, 0.95)],
  };
}
