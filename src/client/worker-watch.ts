// The page watches the worker that runs its keeper: that worker holds a Web Lock for the page
// while it lives (`workerLock` in the hello answer), and a request queued for it is granted
// exactly when the worker is gone. While the page reconnects, what the new keeper says on its way up (idle,
// connecting) reads as `reconnecting`, and the handles hear `missed-events` once it is ready.
import type { KeeperState, TabEvent } from '../bridge/api.js';

/** Runs `onGone` once, when the holder of `lockName` is gone; the returned function stops watching. */
export function watchWorkerLock(lockName: string | undefined, onGone: () => void): () => void {
  const locks = typeof navigator === 'undefined' ? undefined : navigator.locks;
  if (!lockName || !locks) return () => {};
  const abort = new AbortController();
  locks.request(lockName, { signal: abort.signal }, () => {
    if (!abort.signal.aborted) onGone();
  }).catch(() => {}); // aborted: this page stopped watching
  return () => abort.abort();
}

const GONE_CAUSE = "the keeper's worker went away: reconnecting to a new one";

/** The events a page shows while it moves from a dead worker to a new one. */
export class ReconnectView {
  #last: KeeperState | undefined;
  #recovering = false;
  #missedTold = false;
  /** The tab's handles when the recovery began: those the keeper no longer has are told `detached`. */
  #handlesBefore: number[] = [];
  #sessionBefore: number | undefined;

  get recovering(): boolean {
    return this.#recovering;
  }

  /** The last state shown. */
  get last(): KeeperState | undefined {
    return this.#last;
  }

  /** The worker is gone (or the page is back from bfcache): the state to show now (`reconnecting`, on the last session). */
  begin(cause = GONE_CAUSE): TabEvent | undefined {
    if (!this.#recovering) {
      this.#handlesBefore = this.#last?.handles.map((handle) => handle.handleId) ?? [];
      this.#sessionBefore = this.#last?.sessionId;
    }
    this.#recovering = true;
    this.#missedTold = false;
    if (!this.#last) return undefined;
    const { nextRetryAt, ...last } = this.#last;
    return this.#seen({ type: 'state', state: { ...last, state: 'reconnecting', cause } });
  }

  /** What the page hears of `event` (undefined: nothing); more than one after a recovery. */
  filter(event: TabEvent): TabEvent[] {
    if (!this.#recovering) return [this.#seen(event)];
    if (event.type === 'missed-events') this.#missedTold = true;
    if (event.type !== 'state') return [event];
    const { state } = event.state;
    if (state === 'idle' || state === 'connecting' || state === 'reconnecting') {
      return [this.#seen({ type: 'state', state: { ...event.state, state: 'reconnecting', cause: event.state.cause ?? GONE_CAUSE,
        ...(this.#last?.sessionId === undefined ? {} : { sessionId: this.#last.sessionId }) } })];
    }
    this.#recovering = false;
    const out: TabEvent[] = [this.#seen(event)];
    const handleIds = event.state.handles.map((handle) => handle.handleId);
    // Let go while the page was away (a bfcache stay past the keeper's grace): the app hears it.
    if (state === 'ready' && event.state.sessionId === this.#sessionBefore) {
      for (const handleId of this.#handlesBefore) if (!handleIds.includes(handleId)) out.push({ type: 'detached', handleId });
    }
    this.#handlesBefore = [];
    // Janus replays nothing of the gap; the keeper told only the tabs back in time for its claim.
    if (state === 'ready' && !this.#missedTold && handleIds.length > 0 && event.state.sessionId !== undefined) {
      out.push({ type: 'missed-events', handleIds, sessionId: event.state.sessionId });
    }
    return out;
  }

  #seen(event: TabEvent): TabEvent {
    if (event.type === 'state') this.#last = event.state;
    return event;
  }
}
