// Finds out when another client has claimed this keeper's session (another browser profile, a
// bug): Janus then sends its events there and tells this link nothing. After `everyMs` without any
// event for a handle, one probe (`ownsSession`) asks; a probe that says "elsewhere" ends the session
// for this keeper, which reports it instead of staying deaf.
import { ownsSession, type Clock, type JanusSession } from '../../janus/index.js';

export interface OwnershipWatchOptions {
  clock: Clock;
  /** 0: never probe. */
  everyMs: number;
  timeoutMs: number;
  /** A plugin the session's handles use (the probe attaches one); none: nothing to probe with. */
  plugin(): string | undefined;
  /** Still the keeper's live session, ready? */
  current(session: JanusSession): boolean;
  onClaimedElsewhere(session: JanusSession): void;
}

export class OwnershipWatch {
  #timer: unknown;
  #lastEventAt = 0;

  constructor(private readonly options: OwnershipWatchOptions) {}

  noteEvent(): void {
    this.#lastEventAt = this.options.clock.now();
  }

  start(session: JanusSession): void {
    this.stop();
    if (this.options.everyMs <= 0) return;
    this.#lastEventAt = this.options.clock.now();
    this.#arm(session);
  }

  stop(): void {
    if (this.#timer !== undefined) this.options.clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #arm(session: JanusSession): void {
    this.#timer = this.options.clock.setTimeout(() => void this.#check(session), this.options.everyMs);
  }

  async #check(session: JanusSession): Promise<void> {
    this.#timer = undefined;
    const { clock, everyMs, timeoutMs, current } = this.options;
    if (!current(session)) return;
    const plugin = this.options.plugin();
    if (plugin !== undefined && clock.now() - this.#lastEventAt >= everyMs) {
      let owned = true;
      try {
        owned = await ownsSession(session, plugin, timeoutMs, clock);
      } catch {
        // A request that failed says nothing about ownership: a dead link is the keepalive's business.
      }
      if (!current(session)) return;
      if (!owned && session.state === 'open') {
        this.options.onClaimedElsewhere(session);
        return;
      }
    }
    if (this.#timer === undefined) this.#arm(session);
  }
}
