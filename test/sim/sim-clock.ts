// Time for the simulation: timers fire only when the scheduler says so, one at a time, and
// nothing here touches real time. `awake` is the time the machine was running (a sleep moves
// `now` but not `awake`): deadlines of the invariants are counted in it.
import type { Clock } from '../../src/janus/index.js';

interface Timer {
  at: number;
  callback: () => void;
}

export class SimClock implements Clock {
  #now: number;
  #slept = 0;
  #nextId = 1;
  readonly #timers = new Map<number, Timer>();

  constructor(start = Date.UTC(2026, 0, 1)) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  /** Milliseconds the machine was awake since the start (time minus every sleep). */
  get awake(): number {
    return this.#now - this.#slept;
  }

  setTimeout(callback: () => void, ms: number): number {
    const id = this.#nextId++;
    this.#timers.set(id, { at: this.#now + Math.max(0, Number.isFinite(ms) ? ms : 0), callback });
    return id;
  }

  clearTimeout(timer: unknown): void {
    this.#timers.delete(timer as number);
  }

  get pending(): number {
    return this.#timers.size;
  }

  /** When the next timer is due (ties: the one set first), if any. */
  get nextAt(): number | undefined {
    return this.#next()?.[1].at;
  }

  /** True while a timer is due but has not fired (right after a sleep). */
  get overdue(): boolean {
    const next = this.nextAt;
    return next !== undefined && next <= this.#now;
  }

  /** Moves time without firing anything: the machine slept. */
  sleep(ms: number): void {
    this.#now += ms;
    this.#slept += ms;
  }

  /** Moves time to `at` (never back) without firing anything. */
  moveTo(at: number): void {
    this.#now = Math.max(this.#now, at);
  }

  /** Fires the next timer if it is due by `until`, moving time to it; false when none is. */
  fireNext(until = Infinity): boolean {
    const next = this.#next();
    if (!next || next[1].at > until) return false;
    this.#timers.delete(next[0]);
    this.moveTo(next[1].at);
    next[1].callback();
    return true;
  }

  #next(): [number, Timer] | undefined {
    let best: [number, Timer] | undefined;
    for (const entry of this.#timers) {
      if (!best || entry[1].at < best[1].at || (entry[1].at === best[1].at && entry[0] < best[0])) best = entry;
    }
    return best;
  }
}

/** Lets every promise continuation run: the simulation has no real I/O, so one turn drains all. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
