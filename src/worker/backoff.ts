export interface BackoffPolicy {
  /** First ceiling of the random delay. */
  baseMs: number;
  /** Highest ceiling. */
  capMs: number;
  /** No retry fires sooner than this, so a retry never spins. */
  floorMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 250, capMs: 2_000, floorMs: 50 };

/** 2^30 x base is past any sane cap; bounding the exponent keeps the maths finite forever. */
const MAX_EXPONENT = 30;

/**
 * Full jitter: a delay drawn uniformly from [floor, min(cap, base x 2^attempt)). Pure; `random`
 * returns [0, 1) like Math.random.
 */
export function retryDelay(attempt: number, random: () => number, policy: BackoffPolicy = DEFAULT_BACKOFF): number {
  const steps = Number.isNaN(attempt) ? 0 : Math.floor(attempt); // NaN would poison every step below
  const exponent = Math.min(Math.max(0, steps), MAX_EXPONENT);
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** exponent);
  const jittered = Math.floor(Math.min(Math.max(random(), 0), 1) * ceiling);
  return Math.max(policy.floorMs, jittered);
}
