/**
 * Why a reconnection is needed. `local`: only this client lost its link (the browser came back
 * online, the page became visible, the machine woke up): retry at once. `server`: the server or
 * the path to it dropped the link (a close, a refused connection, a dead link): every client of
 * that server probably lost it at the same moment, so the jittered schedule spreads them out.
 */
export type RetryCause = 'local' | 'server';

/** How long to wait before reconnection attempt `attempt` (0-based). Pure; `random` is [0, 1). */
export type RetrySchedule = (attempt: number, cause: RetryCause, random: () => number) => number;

/** The retry schedule after a server-side drop (`connect({ backoff })`). */
export interface BackoffPolicy {
  /** Ceiling of the first random delay: the first retries of a crowd spread over [floor, base). */
  baseMs: number;
  /** Highest ceiling. */
  capMs: number;
  /** No server-caused retry fires sooner than this, so a retry never spins. */
  floorMs: number;
  /** The attempt count goes back to 0 only once a link stayed up this long. */
  resetAfterMs: number;
}

/** The default retry schedule: full jitter in [10 ms, min(4 s, 1.15 s x 2^n)), reset after 30 s up, 60 attempts a minute at most. */
export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 1_150, capMs: 4_000, floorMs: 10, resetAfterMs: 30_000 };

/** 2^30 x base is past any sane cap; bounding the exponent keeps the maths finite forever. */
const MAX_EXPONENT = 30;

/**
 * Full jitter: a delay drawn uniformly from [floor, min(cap, base x 2^attempt)), with the jitter
 * kept at the cap (a crowd never falls into lockstep) and the exponent bounded (no Infinity, no
 * NaN after a thousand failures). A local cause waits 0.
 */
export function retryDelay(attempt: number, cause: RetryCause, random: () => number,
  policy: BackoffPolicy = DEFAULT_BACKOFF): number {
  if (cause === 'local') return 0;
  const steps = Number.isNaN(attempt) ? 0 : Math.floor(attempt); // NaN would poison every step below
  const exponent = Math.min(Math.max(0, steps), MAX_EXPONENT);
  const ceiling = Math.max(policy.floorMs, Math.min(policy.capMs, policy.baseMs * 2 ** exponent));
  const draw = Math.min(Math.max(random(), 0), 1);
  return Math.floor(policy.floorMs + draw * (ceiling - policy.floorMs));
}

/** The full-jitter schedule of `policy`, as a `RetrySchedule`. */
export function fullJitter(policy: BackoffPolicy = DEFAULT_BACKOFF): RetrySchedule {
  return (attempt, cause, random) => retryDelay(attempt, cause, random, policy);
}
