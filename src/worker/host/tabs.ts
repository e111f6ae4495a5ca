import type { PageNotice, TabEvent } from '../../bridge/api.js';
import { systemClock, type Clock } from '../../janus/index.js';
import { HeldEvents } from '../handles/held-events.js';
import type { UnseenTabWatch } from '../handles/unseen-tabs.js';

/** Waits until the page holding `lockName` is gone (Web Locks); the callback then runs. */
export type LivenessWatch = (lockName: string, onGone: () => void) => void;

/** Tab liveness from Web Locks: a tab is gone when its page lock comes free. */
export const webLocksLiveness: LivenessWatch = (lockName, onGone) => {
  const locks = (globalThis.navigator as Navigator | undefined)?.locks;
  if (!locks) return; // no liveness signal: pages must say goodbye themselves
  void locks.request(lockName, () => onGone());
};

interface Page {
  tabId: string;
  lockName: string;
  events: MessagePort;
  onRemoved: (() => void) | undefined;
  /** Another keeper serves the page for now (record/owner-relay.ts): this one's states are not its. */
  servedElsewhere: boolean;
}

export interface TabRegistryOptions {
  /** How long a tab may be away (a reload) before its handles are let go. */
  graceMs: number;
  liveness: LivenessWatch;
  /** The tab is gone for good: no page of it came back within the grace period. */
  onTabGone(tabId: string): void;
  /** The count of pages changed. */
  onPagesChanged(): void;
  /** Grace timers (default: the system's). */
  clock?: Clock;
  /**
   * For a tab that never registered here (its handles came from the stored record): calls back
   * once none of its pages is open anywhere, and only then does its grace period start; asked
   * again when the grace ends, and a page open then (elsewhere) starts it all over.
   */
  unseenTab?: UnseenTabWatch;
}

/**
 * The pages using one keeper. A tab (one sessionStorage id) survives its own reloads: its
 * handles are kept for `graceMs` after its last page went away.
 */
export class TabRegistry {
  readonly #pages = new Map<string, Page>();
  readonly #graceTimers = new Map<string, unknown>();
  /** Every tab that said hello to this keeper (the others' handles came from a stored record). */
  readonly #seen = new Set<string>();
  /** Tabs never seen here whose pages `unseenTab` is watching. */
  readonly #watched = new Set<string>();
  readonly #clock: Clock;
  /** Events for tabs inside their grace period, delivered when a page of theirs says hello. */
  readonly #held = new HeldEvents();

  constructor(private readonly options: TabRegistryOptions) {
    this.#clock = options.clock ?? systemClock;
  }

  get pageCount(): number {
    return this.#pages.size;
  }

  /** A page is open, or a tab whose page went may still come back (within its grace period). */
  get inUse(): boolean {
    return this.#pages.size > 0 || this.#graceTimers.size > 0;
  }

  isLive(tabId: string): boolean {
    for (const page of this.#pages.values()) if (page.tabId === tabId) return true;
    return false;
  }

  /** The tab has a live page, or may still come back (within its grace period). */
  isKnown(tabId: string): boolean {
    return this.isLive(tabId) || this.#graceTimers.has(tabId);
  }

  /** Registers a page of `tabId`; `onRemoved` runs once when it leaves (goodbye, or its lock came free). */
  add(tabId: string, lockName: string, events: MessagePort, onRemoved?: () => void): void {
    // The same page again: its last hello timed out before this keeper answered (a worker that was
    // slow to start), and the page left that connection. The new one replaces it.
    const before = this.#pages.get(lockName);
    if (before) {
      before.events.close();
      before.onRemoved?.();
    }
    this.#seen.add(tabId);
    this.#clock.clearTimeout(this.#graceTimers.get(tabId));
    this.#graceTimers.delete(tabId);
    this.#pages.set(lockName, { tabId, lockName, events, onRemoved, servedElsewhere: false });
    events.onmessage = (message: MessageEvent<PageNotice>) => {
      if (message.data?.type === 'leaving') this.remove(lockName, true);
    };
    for (const event of this.#held.take(tabId)) events.postMessage(event);
    this.options.liveness(lockName, () => this.remove(lockName, true));
    this.options.onPagesChanged();
  }

  /** A page left; with `grace` its tab may come back (a reload) before its handles go. */
  remove(lockName: string, grace: boolean): void {
    const page = this.#pages.get(lockName);
    if (!page) return;
    this.#pages.delete(lockName);
    page.events.close();
    page.onRemoved?.();
    this.options.onPagesChanged();
    if (!this.isLive(page.tabId)) this.expectBack(page.tabId, grace ? this.options.graceMs : 0);
  }

  /** Lets a tab that has no live page come back within `ms`, else it is gone. */
  expectBack(tabId: string, ms = this.options.graceMs): void {
    if (this.isLive(tabId) || this.#graceTimers.has(tabId)) return;
    if (this.#unseen(tabId)) this.#whenNoPage(tabId, () => this.#startGrace(tabId, ms));
    else this.#startGrace(tabId, ms);
  }

  #unseen(tabId: string): boolean {
    return this.options.unseenTab !== undefined && !this.#seen.has(tabId);
  }

  /** `then(afterWaiting)` once no page of the unseen tab is open anywhere (not while it is watched already). */
  #whenNoPage(tabId: string, then: (afterWaiting: boolean) => void): void {
    if (this.#watched.has(tabId)) return;
    this.#watched.add(tabId);
    this.options.unseenTab!(tabId, (afterWaiting) => {
      this.#watched.delete(tabId);
      if (!this.#unseen(tabId) || this.isLive(tabId) || this.#graceTimers.has(tabId)) return;
      then(afterWaiting);
    });
  }

  #startGrace(tabId: string, ms: number): void {
    if (this.isLive(tabId) || this.#graceTimers.has(tabId)) return;
    this.#graceTimers.set(tabId, this.#clock.setTimeout(() => {
      this.#graceTimers.delete(tabId);
      this.#held.forget(tabId);
      if (this.isLive(tabId)) return;
      // Decided now, not on the answer that started the grace: a page of the tab may be open elsewhere.
      if (this.#unseen(tabId)) this.#whenNoPage(tabId, (afterWaiting) => (afterWaiting ? this.#startGrace(tabId, ms) : this.#gone(tabId)));
      else this.#gone(tabId);
    }, ms));
  }

  #gone(tabId: string): void {
    this.#seen.delete(tabId);
    this.#held.forget(tabId);
    this.options.onTabGone(tabId);
  }

  post(tabId: string, event: TabEvent): void {
    // Held while the tab may come back: within its grace, or (adopted from the record, never seen
    // here) while its page locks are asked whether a page of it is still open.
    if (!this.isLive(tabId) && (this.#graceTimers.has(tabId) || this.#watched.has(tabId))) this.#held.hold(tabId, event);
    for (const page of this.#pages.values()) if (page.tabId === tabId) page.events.postMessage(event);
  }

  /** While `elsewhere`, the page hears another keeper (the one holding the record), not the broadcasts here. */
  serveElsewhere(lockName: string, elsewhere: boolean): void {
    const page = this.#pages.get(lockName);
    if (page) page.servedElsewhere = elsewhere;
  }

  broadcast(event: TabEvent | ((tabId: string) => TabEvent)): void {
    for (const page of this.#pages.values()) {
      if (page.servedElsewhere) continue;
      page.events.postMessage(typeof event === 'function' ? event(page.tabId) : event);
    }
  }
}
