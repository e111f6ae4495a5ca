// One claimant per stored session: only the keeper that holds the Web Lock named for its record
// (`janus-keeper:session:<keeperKey>`, whatever worker, name or version runs it) reads or writes the
// record, and so claims or creates the session. A second keeper for the same record (a leader tab
// next to a SharedWorker, two worker names or versions, a worker restarted while the old one still
// runs) waits for the lock in its first `create` and takes over, claiming the stored session with
// its handle owners, when the owner goes (closed, crashed, or idle with no tab left).
import type { Keeper } from '../keeper.js';
import type { SessionStore } from './store.js';

/** The Web Lock of a keeper's stored record (by `keeperKey`, not by the worker's name). */
export function recordLockName(key: string): string {
  return `janus-keeper:session:${key}`;
}

export class RecordLock {
  #held = false;
  #release: (() => void) | undefined;
  #waiting: Promise<void> | undefined;

  /** Runs when this keeper starts waiting for the lock (another keeper holds it). */
  onWait: () => void = () => {};

  /** `wanted` is asked when the lock comes: a keeper that no longer needs it lets it go at once. */
  constructor(
    readonly name: string,
    private readonly wanted: () => boolean = () => true,
    private readonly locks: LockManager | undefined = (globalThis.navigator as Navigator | undefined)?.locks,
  ) {}

  get held(): boolean {
    return this.#held || !this.locks; // no Web Locks: nothing to share with, the keeper is alone
  }

  /** Resolves once this keeper holds the lock, queueing behind the keeper that has it. */
  acquire(): Promise<void> {
    if (this.held) return Promise.resolve();
    this.#waiting ??= new Promise<void>((granted) => {
      void this.locks!.request(this.name, { ifAvailable: true }, (free) => {
        if (free) return this.#hold(granted);
        this.onWait();
        return this.locks!.request(this.name, () => this.#hold(granted));
      });
    });
    return this.#waiting;
  }

  #hold(granted: () => void): Promise<void> {
    return new Promise<void>((release) => {
      this.#waiting = undefined;
      this.#held = true;
      this.#release = release;
      if (!this.wanted()) this.release();
      granted();
    });
  }

  release(): void {
    if (!this.#held) return;
    this.#held = false;
    this.#release?.();
    this.#release = undefined;
  }
}

/** The record as a keeper sees it through the lock: reads wait for it, writes without it are dropped. */
export function lockedStore(store: SessionStore, lock: RecordLock): SessionStore {
  return {
    async load(key) {
      await lock.acquire();
      return store.load(key);
    },
    async save(record) {
      if (lock.held) await store.save(record);
    },
    async clear(key) {
      if (lock.held) await store.clear(key);
    },
  };
}

/** Lets the lock go whenever the keeper is idle with no tab (its session closed, left to Janus). */
export function releaseWhenIdle(keeper: Keeper, lock: RecordLock): () => void {
  return keeper.on('state', (state) => {
    if (state.state === 'idle' && keeper.tabs.pageCount === 0) lock.release();
  });
}

/** The keeper still wants the session: it has tabs, or is establishing or holding one. */
export function keeperWantsLock(keeper: Keeper): boolean {
  return keeper.tabs.pageCount > 0 || keeper.state !== 'idle';
}

export const WAITING_CAUSE = 'waiting for the keeper that holds this session (another tab or worker) to let it go';

/** Tells the keeper's tabs why their calls wait (the next real state change replaces it). */
export function tellWaiting(keeper: Keeper): void {
  keeper.tabs.broadcast((tabId) => ({ type: 'state', state: { ...keeper.snapshot(tabId), cause: WAITING_CAUSE } }));
}
