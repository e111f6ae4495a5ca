// Ends a reconnection at the instant Janus has surely dropped the session, even while no claim
// attempt fails to tell (one may wait for the per-minute attempt limit, or on a slow connect).
import type { Clock, JanusSession } from '../../janus/index.js';
import { lastReachOf, surelyExpired, surelyExpiredAt } from '../servers/servers.js';

export class ExpiryWatch {
  #timer: unknown;
  /** When a claim of the session after a drop last went out on an open link (it may have reached Janus). */
  #claimSentAt = -Infinity;

  constructor(private readonly clock: Clock) {}

  /** A claim after a drop failed in a way that may have reached Janus: the session's timer restarted then. */
  claimMayHaveReached(): void {
    this.#claimSentAt = this.clock.now();
  }

  /**
   * `session`'s link dropped (a server fault): true when Janus has surely dropped the session by now;
   * else `onExpired` is armed for the instant it surely has (see `arm`).
   */
  afterDrop(session: JanusSession, onExpired: () => void): boolean {
    const reachedAt = Math.max(lastReachOf(session), this.#claimSentAt);
    if (surelyExpired(session.serverTimeouts, reachedAt, this.clock.now())) return true;
    this.arm(session, reachedAt, onExpired);
    return false;
  }

  /** A session was bound: nothing to watch, no claim since. */
  reset(): void {
    this.#claimSentAt = -Infinity;
    this.stop();
  }

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
