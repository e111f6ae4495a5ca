// Messages between the storm's parent (bench/storm/main.ts) and its client processes (worker.ts).
import type { BackoffPolicy } from '../../src/worker/recovery/backoff.js';
import type { ScheduleName } from './schedules.js';

export interface StartMessage {
  type: 'start';
  server: string;
  count: number;
  schedule: ScheduleName;
  policy: Partial<BackoffPolicy>;
  autoRecreate: boolean;
}

/** The fault comes now: from here each client waits to be ready again (`recreate`: on a new session). */
export interface MarkMessage { type: 'mark'; recreate: boolean }

export type ToWorker = StartMessage | MarkMessage | { type: 'collect' } | { type: 'stop' };

export interface ClientResult {
  /** When it saw the link drop (Date.now()), if it did. */
  droppedAt?: number;
  /** When it was ready again (Date.now()), if it was. */
  readyAt?: number;
  sameSession: boolean;
  attempts: number;
  /** When each of its connection attempts after the fault started (Date.now()). */
  attemptTimes: number[];
  claims: number;
  creates: number;
  echoed: boolean;
}

export type FromWorker =
  | { type: 'up'; rss: number; baselineRss: number; heap: number; baselineHeap: number; failed: number }
  | { type: 'settled' }
  /**
   * `lagMs`: the worst event-loop delay of the process after the fault (the machine's load shows
   * there); `cpuMs`: CPU time it used from the fault until all its clients were ready (0: never).
   */
  | { type: 'results'; clients: ClientResult[]; lagMs: number; cpuMs: number }
  | { type: 'stopped' };
