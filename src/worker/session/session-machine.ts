// The keeper's session state machine: its named states, the transitions allowed between them, and
// the generation (epoch) that tells a step whether it is still the one that counts.
import type { KeeperStateName } from '../../bridge/api.js';
import { DestroyedError, JanusKeeperError, TimeoutError, TransportError, type Clock } from '../../janus/index.js';

/**
 * - `idle`: no session in use (none yet, destroyed, or no tab left: the session is left on Janus).
 * - `connecting`: a create or claim that a tab asked for (or a recreate) is on its way.
 * - `ready`: a session is bound to an open link that answers.
 * - `reconnecting`: the link dropped; the same session will be claimed again.
 * - `lost`: Janus no longer has the session (with `autoRecreate`, a new one is on its way).
 */
const TRANSITIONS: Readonly<Record<KeeperStateName, readonly KeeperStateName[]>> = {
  idle: ['connecting', 'idle'],
  connecting: ['ready', 'idle', 'lost', 'connecting'],
  ready: ['reconnecting', 'lost', 'idle'],
  reconnecting: ['ready', 'reconnecting', 'lost', 'idle'],
  lost: ['connecting', 'lost', 'idle'],
};

/** A transition the table does not allow: a bug in the keeper, never the app's fault. */
export class IllegalTransitionError extends JanusKeeperError {
  override name = 'IllegalTransitionError';
}

/** Why a generation ended: what a step that outlived it is told. */
export type EpochEnd = 'destroyed' | 'no tab left' | 'superseded';

export class SessionMachine {
  #state: KeeperStateName = 'idle';
  #cause: string | undefined;
  #epoch = 0;
  #ended: EpochEnd = 'superseded';
  #nextRetryAt: number | undefined;
  readonly #waiters = new Set<() => void>();

  constructor(
    private readonly clock: Clock,
    private readonly onChange: () => void,
  ) {}

  get state(): KeeperStateName {
    return this.#state;
  }

  get cause(): string | undefined {
    return this.#cause;
  }

  get nextRetryAt(): number | undefined {
    return this.#nextRetryAt;
  }

  /** The current generation; a step remembers it and checks it after every await. */
  get epoch(): number {
    return this.#epoch;
  }

  isCurrent(epoch: number): boolean {
    return epoch === this.#epoch;
  }

  /** Why the last generation ended. */
  get ended(): EpochEnd {
    return this.#ended;
  }

  /**
   * Throws when `epoch` is not current, so that a stale step never binds, persists or publishes:
   * `DestroyedError` when the keeper was destroyed meanwhile, else `TransportError`.
   */
  check(epoch: number, what: string): void {
    if (epoch === this.#epoch) return;
    if (this.#ended === 'destroyed') throw new DestroyedError(`${what}: the session was destroyed meanwhile`);
    throw new TransportError(`${what}: ${this.#ended === 'no tab left' ? 'every tab left meanwhile' : 'overtaken by a newer step'}`);
  }

  /** Starts a new generation: every step of an older one is stale from now on. */
  bump(why: EpochEnd = 'superseded'): number {
    this.#ended = why;
    return ++this.#epoch;
  }

  /** Moves to `next` and tells everyone; `retryAt`: when the next attempt runs (reconnecting, lost). */
  go(next: KeeperStateName, cause: string, retryAt?: number): void {
    if (!TRANSITIONS[this.#state].includes(next)) {
      throw new IllegalTransitionError(`illegal keeper transition ${this.#state} -> ${next} (${cause})`);
    }
    this.#state = next;
    this.#cause = cause;
    this.#nextRetryAt = retryAt;
    for (const waiter of [...this.#waiters]) waiter();
    this.onChange();
  }

  /** When the next attempt runs (shown to tabs while reconnecting, or lost and recreating). */
  setNextRetryAt(at: number | undefined): void {
    this.#nextRetryAt = at;
    this.onChange();
  }

  /** Wakes the waiters of `untilReady` to look again (their `usable` may have turned true). */
  notify(): void {
    for (const waiter of [...this.#waiters]) waiter();
  }

  /** Tells everyone the same state again, with its cause and retry time: more is known about it. */
  retell(): void {
    this.notify();
    this.onChange();
  }

  /**
   * Resolves once `ready`, or once `usable()` says a session can take calls already (a claim that
   * went out, for calls to go right behind it); rejects on `idle` or `lost` (nothing is coming) or
   * after `timeoutMs`.
   */
  untilReady(timeoutMs: number, recreating: () => boolean, usable: () => boolean = () => false): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (this.#state === 'ready' || usable()) done(resolve);
        else if (this.#state === 'idle' || (this.#state === 'lost' && !recreating())) {
          done(() => reject(new TransportError(`the session is ${this.#state}${this.#cause ? ` (${this.#cause})` : ''}`)));
        }
      };
      const done = (settle: () => void) => {
        this.clock.clearTimeout(timer);
        this.#waiters.delete(check);
        settle();
      };
      const timer = this.clock.setTimeout(() => done(() => reject(new TimeoutError(
        `Janus was not reachable again within ${timeoutMs} ms`, timeoutMs))), timeoutMs);
      this.#waiters.add(check);
      check();
    });
  }
}
