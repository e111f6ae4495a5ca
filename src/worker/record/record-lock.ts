// One claimant per stored session: only the keeper that holds the Web Lock named for its record
// (`janus-keeper:session:<keeperKey>`, whatever worker, name or version runs it) reads or writes the
// record, and so claims or creates the session. A second keeper for the same record (a leader tab
// next to a SharedWorker, two worker names or versions, a worker restarted while the old one still
// runs) waits for the lock from its first page's hello (its pages served by the owner meanwhile,
// owner-relay.ts) and takes over, claiming the stored session with its handle owners, when the
// owner goes (closed, crashed, or idle with no tab left).
import type { Keeper } from '../keeper.js';
import type { SessionStore } from './store.js';

/** The Web Lock of a keeper's stored record (by `keeperKey`, not by the worker's name). */
export function recordLockName(key: string): string {
  return `janus-keeper:session:${key}`;
}

/** What happened to a keeper's hold on its record lock. */
export type LockChange = 'waiting' | 'held' | 'released';

export class RecordLock {
  #held = false;
  #release: (() => void) | undefined;
  #waiting: Promise<void> | undefined;
  readonly #watchers = new Set<(change: LockChange) => void>();

  /** `wanted` is asked when the lock comes: a keeper that no longer needs it lets it go at once. */
  constructor(
    readonly name: string,
    private readonly wanted: () => boolean = () => true,
    private readonly locks: LockManager | undefined = (globalThis.navigator as Navigator | undefined)?.locks,
  ) {}

  get held(): boolean {
    return this.#held || !this.locks; // no Web Locks: nothing to share with, the keeper is alone
  }

  /** Runs `watcher` as this keeper starts waiting behind another, gets the lock, or lets it go. */
  watch(watcher: (change: LockChange) => void): () => void {
    this.#watchers.add(watcher);
    return () => void this.#watchers.delete(watcher);
  }

  #tell(change: LockChange): void {
    for (const watcher of [...this.#watchers]) watcher(change);
  }

  /** Resolves once this keeper holds the lock, queueing behind the keeper that has it. */
  acquire(): Promise<void> {
    if (this.held) return Promise.resolve();
    this.#waiting ??= new Promise<void>((granted) => {
      void this.locks!.request(this.name, { ifAvailable: true }, (free) => {
        if (free) return this.#hold(granted);
        this.#tell('waiting');
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
      this.#tell('held');
      if (!this.wanted()) this.release();
      granted();
    });
  }

  release(): void {
    if (!this.#held) return;
    this.#held = false;
    this.#release?.();
    this.#release = undefined;
    this.#tell('released');
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

/** The keeper's state says why it waits, to every page (new ones too), for as long as it waits. */
export function showWaiting(keeper: Keeper, lock: RecordLock): () => void {
  return lock.watch((change) => keeper.waitFor(change === 'waiting' ? WAITING_CAUSE : undefined));
}
