import { TimeoutError, type Clock } from '../janus/index.js';

/** A call to the keeper settles within `ms`: a worker that died would otherwise leave it hanging. */
export function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new TimeoutError(`${what}: the keeper did not answer within ${ms} ms`, ms)), ms);
    promise.then(resolve, reject).finally(() => clearTimeout(timer));
  });
}

/** Deadlines count on a monotonic clock: a wall clock set back would hold every call past its deadline. */
const monotonicClock: Clock = {
  now: () => performance.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (timer) => clearTimeout(timer as ReturnType<typeof setTimeout>),
};

/**
 * The deadlines of a link's calls on one timer: every call waits the same `ms`, so they expire in
 * the order they were made. A call that settles only leaves the queue; the timer, when it fires,
 * expires what is due and waits for the next one (at most one wake per `ms` while calls flow), and
 * stops once the queue is empty.
 */
export class DeadlineQueue<T> {
  /** Insertion order is deadline order. */
  readonly #due = new Map<T, number>();
  #timer: unknown;

  constructor(
    private readonly ms: number,
    private readonly expire: (item: T) => void,
    private readonly clock: Clock = monotonicClock,
  ) {}

  add(item: T): void {
    this.#due.set(item, this.clock.now() + this.ms);
    if (this.#timer === undefined) this.#arm(this.ms);
  }

  /** The item settled: it no longer expires. */
  delete(item: T): void {
    this.#due.delete(item);
  }

  /** Nothing expires any more; the timer is released. */
  clear(): void {
    this.#due.clear();
    if (this.#timer !== undefined) this.clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #arm(ms: number): void {
    this.#timer = this.clock.setTimeout(() => this.#fire(), ms);
  }

  #fire(): void {
    const now = this.clock.now();
    const expired: T[] = [];
    for (const [item, at] of this.#due) {
      if (at > now) break;
      expired.push(item);
    }
    for (const item of expired) this.#due.delete(item);
    const next = this.#due.values().next();
    this.#timer = undefined;
    if (!next.done) this.#arm(next.value - now);
    for (const item of expired) this.expire(item); // last: an expiry may add a call
  }
}
