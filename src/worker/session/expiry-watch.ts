// Ends a reconnection at the instant Janus has surely dropped the session, even while no claim
// attempt fails to tell (one may wait for the per-minute attempt limit, or on a slow connect).
import type { Clock, JanusSession } from '../../janus/index.js';
import { surelyExpiredAt } from './servers.js';

export class ExpiryWatch {
  #timer: unknown;

  constructor(private readonly clock: Clock) {}

  /** Calls `onExpired` once Janus has surely dropped `session` (see `surelyExpiredAt`), unless stopped first. */
  arm(session: JanusSession, reachedAt: number, onExpired: () => void): void {
    this.stop();
    const at = surelyExpiredAt(session.serverTimeouts, reachedAt);
    if (at === undefined) return;
    // (One past the bound: `surelyExpired` holds strictly after it.)
    this.#timer = this.clock.setTimeout(() => {
      this.#timer = undefined;
      onExpired();
    }, Math.max(0, at - this.clock.now() + 1));
  }

  stop(): void {
    if (this.#timer !== undefined) this.clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
