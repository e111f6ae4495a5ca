/** Time as the session and the keeper see it: injectable so tests can drive it and Node can run it. */
export interface Clock {
  /** Wall-clock epoch milliseconds (it jumps when a machine wakes from sleep: that is the point). */
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(timer: unknown): void;
}

/** The real clock (`Date.now`, `setTimeout`, `clearTimeout`); tests pass a fake one. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (timer) => clearTimeout(timer as ReturnType<typeof setTimeout>),
};
