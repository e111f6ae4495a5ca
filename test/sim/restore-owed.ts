// The invariant `restore-owed` (autoRecreate): once a new session is ready, each tab with a page has
// heard `restore` for every handle the lost session took, whichever keeper made the new one (the
// one that lost it may have died since). A new worker that could not read the record, or a record
// not written, cannot know them: those are excused.
import type { World } from './world.js';

export class RestoreOwed {
  /** Handle id -> its tab and the page lock of the tab's page open at the loss (a later page reads the handles afresh). */
  readonly #owed = new Map<number, { tab: string; lockName: string }>();
  /** The worker restarts and store load failures when the owed restores were last added. */
  #since = { restarts: 0, loadFailures: 0 };
  /** The handles the running keeper listed for the tabs at the last check (those it can owe a restore). */
  #listed = new Set<number>();

  constructor(private readonly world: World, private readonly fail: (invariant: string, detail: string) => void) {}

  /** The session was lost (not by a destroy): every handle the keeper listed is owed a restore. */
  lost(): void {
    const { world } = this;
    for (const [handleId, { tab }] of world.handles) {
      if (!this.#listed.has(handleId)) continue;
      const lockName = world.tabs.get(tab)?.page?.lockName;
      if (lockName !== undefined) this.#owed.set(handleId, { tab, lockName });
    }
    this.#since = { restarts: world.restarts, loadFailures: world.store.loadFailures };
  }

  restored(handleId: number): void {
    this.#owed.delete(handleId);
  }

  /** A destroy owes nothing. */
  clear(): void {
    this.#owed.clear();
  }

  /** After a step: `ready` (and no destroy going) pays every owed restore, or it was never paid. */
  check(ready: boolean): void {
    const { world } = this;
    const restarted = world.restarts > this.#since.restarts;
    if (restarted && (world.store.loadFailures > this.#since.loadFailures || world.store.staleSinceWrite)) this.#owed.clear();
    if (ready) {
      for (const [handleId, { tab, lockName }] of this.#owed) {
        if (world.tabs.get(tab)?.page?.lockName !== lockName) continue;
        this.#owed.delete(handleId);
        this.fail('restore-owed', `${tab} was never told to restore handle ${handleId} on the new session`);
      }
    }
    const { keeper } = world;
    this.#listed = new Set([...world.tabs.keys()].flatMap((tab) => keeper.snapshot(tab).handles.map((handle) => handle.handleId)));
  }
}
