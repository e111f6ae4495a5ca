// Reconnection schedules of other clients, written from their documented defaults (see the
// reliability anchors), as `RetrySchedule`s so the same keeper can run them. Bench-only.
import { DEFAULT_BACKOFF, fullJitter, type BackoffPolicy, type RetrySchedule } from '../../src/worker/recovery/backoff.js';

/**
 * socket.io-client's `Backoff`: 1 s x 2^n, +-50 % randomization applied before the 5 s cap (at the
 * cap every client waits exactly 5 s). Its exponent is bounded here only to keep the bench finite.
 */
export const socketIo: RetrySchedule = (attempt, _cause, random) => {
  let ms = 1_000 * 2 ** Math.min(attempt, 30);
  const rand = random();
  const deviation = Math.floor(rand * 0.5 * ms);
  ms = (Math.floor(rand * 10) & 1) === 0 ? ms - deviation : ms + deviation;
  return Math.min(ms, 5_000) | 0;
};

const PHOENIX_STEPS = [10, 50, 100, 150, 200, 250, 500, 1_000, 2_000];

/** Phoenix JS `reconnectAfterMs`: fixed steps, then 5 s forever, no jitter. */
export const phoenix: RetrySchedule = (attempt) => PHOENIX_STEPS[attempt] ?? 5_000;

export type ScheduleName = 'ours' | 'socket.io' | 'phoenix';

export function scheduleFor(name: ScheduleName, policy: Partial<BackoffPolicy> = {}): RetrySchedule {
  if (name === 'socket.io') return socketIo;
  if (name === 'phoenix') return phoenix;
  return fullJitter({ ...DEFAULT_BACKOFF, ...policy });
}
