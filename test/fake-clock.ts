import type { Clock } from '../src/janus/index.js';

/** A clock whose time moves only when the test says so; timers fire in order as it moves. */
export class FakeClock implements Clock {
  #now: number;
  #nextId = 1;
  readonly #timers = new Map<number, { at: number; callback: () => void }>();

  constructor(start = Date.UTC(2026, 0, 1)) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  setTimeout(callback: () => void, ms: number): number {
    const id = this.#nextId++;
    this.#timers.set(id, { at: this.#now + Math.max(0, ms), callback });
    return id;
  }

  clearTimeout(timer: unknown): void {
    this.#timers.delete(timer as number);
  }

  /** When the next timer is due, if any. */
  get nextAt(): number | undefined {
    let next: number | undefined;
    for (const { at } of this.#timers.values()) if (next === undefined || at < next) next = at;
    return next;
  }

  /** Moves time without firing anything: a machine waking from sleep. */
  jump(ms: number): void {
    this.#now += ms;
  }

  /** Fires every timer due by now + ms, in order, letting real I/O run between them. */
  async advance(ms: number): Promise<void> {
    const until = this.#now + ms;
    for (;;) {
      const due = [...this.#timers.entries()].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.#timers.delete(due[0]);
      this.#now = Math.max(this.#now, due[1].at);
      due[1].callback();
      await new Promise((resolve) => setImmediate(resolve));
    }
    this.#now = until;
  }
}

/** A seeded random source (mulberry32), so every run checks the same draws. */
export function seeded(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
