// When the keeper tries again: the one owner of the attempt count, the retry timer, the spacing of
// `online()` retries, the per-minute attempt limit and every wait between attempts.
import type { Clock } from '../../janus/index.js';
import { AttemptLimit } from './attempt-limit.js';
import { fullJitter, type BackoffPolicy, type RetryCause, type RetrySchedule } from './backoff.js';

/** Many tabs (or a flapping network) fire `online` in bursts: one local retry per second at most. */
export const LOCAL_RETRY_SPACING_MS = 1_000;
export const DEFAULT_MAX_ATTEMPTS_PER_MINUTE = 60;

export interface RecoveryOptions {
  clock: Clock;
  random: () => number;
  backoff: BackoffPolicy;
  /** Replaces the full-jitter schedule of `backoff`. */
  schedule?: RetrySchedule;
  maxAttemptsPerMinute: number;
}

export class Recovery {
  readonly #options: RecoveryOptions;
  readonly #limit: AttemptLimit;
  readonly #schedule: RetrySchedule;
  readonly #cancels = new Set<() => void>();
  #attempt = 0;
  #timer: unknown;
  #due: number | undefined;
  #upSince: number | undefined;

  constructor(options: RecoveryOptions) {
    this.#options = options;
    this.#limit = new AttemptLimit(options.maxAttemptsPerMinute, () => options.clock.now());
    this.#schedule = options.schedule ?? fullJitter(options.backoff);
  }

  /** When the scheduled attempt runs (epoch ms), if one is scheduled. */
  get dueAt(): number | undefined {
    return this.#due;
  }

  /** A link came up. */
  up(): void {
    this.#upSince = this.#options.clock.now();
  }

  /**
   * The link went down. The attempt count starts again only when the link had stayed up
   * `resetAfterMs`: a server that accepts and drops at once must not get a tight loop.
   */
  down(): void {
    const upSince = this.#upSince;
    this.#upSince = undefined;
    if (upSince !== undefined && this.#options.clock.now() - upSince >= this.#options.backoff.resetAfterMs) this.#attempt = 0;
  }

  /** Runs `step` after the next delay of the schedule; returns when it will run. */
  later(cause: RetryCause, step: () => void): number {
    const delay = this.#schedule(this.#attempt++, cause, this.#options.random);
    return this.#arm(delay, step);
  }

  /**
   * Runs `step` as soon as local spacing allows (the network is back), unless the scheduled
   * attempt comes sooner anyway; returns when it will run.
   */
  soon(step: () => void): number {
    const wait = Math.max(0, LOCAL_RETRY_SPACING_MS - this.#limit.sinceLastMs());
    const at = this.#options.clock.now() + wait;
    if (this.#due !== undefined && this.#due <= at) return this.#due;
    return this.#arm(wait, step);
  }

  /** Stops the scheduled attempt and ends every wait at once (they resolve `false`). */
  cancel(): void {
    this.#disarm();
    for (const cancel of [...this.#cancels]) cancel();
  }

  /** Clears the attempt count (a session was lost for good: the next one starts afresh). */
  reset(): void {
    this.#attempt = 0;
  }

  /**
   * Waits until one more attempt fits in the per-minute limit and records it; `false` when
   * cancelled meanwhile. `onWait` learns when the attempt will run.
   */
  async slot(onWait: (at: number) => void): Promise<boolean> {
    for (let wait = this.#limit.waitMs(); wait > 0; wait = this.#limit.waitMs()) {
      onWait(this.#options.clock.now() + wait);
      if (!(await this.wait(wait))) return false;
    }
    this.#limit.record();
    return true;
  }

  /** Resolves `true` after `ms`, or `false` as soon as `cancel()` runs. */
  wait(ms: number): Promise<boolean> {
    const { clock } = this.#options;
    return new Promise((resolve) => {
      const cancel = () => finish(false);
      const timer = clock.setTimeout(() => finish(true), ms);
      const finish = (waited: boolean) => {
        clock.clearTimeout(timer);
        this.#cancels.delete(cancel);
        resolve(waited);
      };
      this.#cancels.add(cancel);
    });
  }

  #arm(delay: number, step: () => void): number {
    this.#disarm();
    const at = this.#options.clock.now() + delay;
    this.#due = at;
    this.#timer = this.#options.clock.setTimeout(() => {
      this.#timer = undefined;
      this.#due = undefined;
      step();
    }, delay);
    return at;
  }

  #disarm(): void {
    if (this.#timer !== undefined) this.#options.clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#due = undefined;
  }
}

