// Handles adopted from the stored record for tabs this keeper never saw (src/worker/handles/unseen-tabs.ts,
// src/worker/host/tabs.ts): the page locks of such a tab decide, on a fake clock and a stand-in for the
// browser's Web Locks with `query()` (Node has none).
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { pageLockName, tabTag } from '../src/bridge/page-lock.js';
import { expireWhenPagesGone } from '../src/worker/handles/unseen-tabs.js';
import { TabRegistry } from '../src/worker/host/tabs.js';
import { FakeClock } from './fake-clock.js';

/** Web Locks with exclusive locks of unique names: `hold` is a page; `request` waits for its release. */
class PageLocks {
  readonly #held = new Map<string, Array<() => void>>();
  queries = 0;

  hold(name: string): () => void {
    this.#held.set(name, []);
    return () => {
      const waiting = this.#held.get(name) ?? [];
      this.#held.delete(name);
      for (const grant of waiting) grant();
    };
  }

  async request(name: string, ...args: unknown[]): Promise<unknown> {
    const callback = args.at(-1) as (lock: { name: string }) => unknown;
    const waiting = this.#held.get(name);
    if (waiting) await new Promise<void>((granted) => waiting.push(granted));
    return callback({ name });
  }

  async query(): Promise<{ held: Array<{ name: string }> }> {
    this.queries++;
    return { held: [...this.#held.keys()].map((name) => ({ name })) };
  }
}

const GRACE_MS = 3_000;
const settle = async () => {
  for (let i = 0; i < 10; i++) await new Promise((resolve) => setImmediate(resolve));
};
/** Until the watch has listed the page locks `count` times (its digest of the tab id runs on a thread). */
const queried = async (locks: PageLocks, count: number) => {
  for (let i = 0; i < 1_000 && locks.queries < count; i++) await new Promise((resolve) => setTimeout(resolve, 1));
  assert.ok(locks.queries >= count, 'the watch listed the page locks');
  await settle();
};

describe('unseen tabs', () => {
  let locks: PageLocks;
  let saved: PropertyDescriptor | undefined;
  beforeEach(() => {
    locks = new PageLocks();
    saved = Object.getOwnPropertyDescriptor(globalThis, 'navigator');
    Object.defineProperty(globalThis, 'navigator', { value: { locks }, configurable: true });
  });
  afterEach(() => {
    if (saved) Object.defineProperty(globalThis, 'navigator', saved);
    else delete (globalThis as { navigator?: unknown }).navigator;
  });

  function registry(clock: FakeClock, gone: string[]) {
    return new TabRegistry({ graceMs: GRACE_MS, liveness: () => {}, onTabGone: (tabId) => void gone.push(tabId),
      onPagesChanged: () => {}, clock, unseenTab: expireWhenPagesGone });
  }

  it('a waiting tab that reloads on the other keeper keeps its handles: the page alive at the decision counts', async () => {
    const clock = new FakeClock();
    const gone: string[] = [];
    const tabs = registry(clock, gone);
    const tag = await tabTag('tab-w');
    const firstPage = locks.hold(pageLockName(tag));
    tabs.expectBack('tab-w'); // adopted from the record: its page is open on another keeper
    await queried(locks, 1);
    firstPage(); // the tab reloads: the old page's lock goes, the new page takes its own lock after
    await settle();
    const secondPage = locks.hold(pageLockName(tag));
    await clock.advance(GRACE_MS * 3);
    await queried(locks, 3); // listed when asked, when the first page went, and when the grace ended
    assert.deepEqual(gone, [], 'the reloaded page is alive: the handles stay');

    secondPage(); // the tab closes for good
    await queried(locks, 4);
    await clock.advance(GRACE_MS);
    await queried(locks, 5);
    assert.deepEqual(gone, ['tab-w'], 'gone once no page of it is open, after the grace');
  });

  it('an event for an adopted tab whose page is still joining (its lock held elsewhere) is held for its hello', async () => {
    // The soak (seed 31, http): Janus restarted, the worker killed; the new keeper's claim got 458, it
    // created a new session and sent `restore` for each handle: a tab whose page said hello a moment
    // later never got its restore and stayed ready and deaf.
    const clock = new FakeClock();
    const tabs = registry(clock, []);
    const page = locks.hold(pageLockName(await tabTag('tab-late')));
    tabs.expectBack('tab-late');
    await queried(locks, 1);
    const restore = { type: 'restore', handle: { handleId: 7, plugin: 'janus.plugin.echotest' }, sessionId: 2 } as const;
    tabs.post('tab-late', restore as never);
    const got: unknown[] = [];
    tabs.add('tab-late', pageLockName(await tabTag('tab-late')), { postMessage: (event: unknown) => void got.push(event), close() {} } as never);
    assert.deepEqual(got, [restore]);
    page();
  });

  it('a tab with no page open anywhere goes after the grace, once', async () => {
    const clock = new FakeClock();
    const gone: string[] = [];
    const tabs = registry(clock, gone);
    locks.hold(pageLockName(await tabTag('another-tab')));
    tabs.expectBack('tab-closed');
    await queried(locks, 1);
    await clock.advance(GRACE_MS - 1);
    await settle();
    assert.deepEqual(gone, []);
    await clock.advance(1);
    await queried(locks, 2); // asked again as the grace ends
    assert.deepEqual(gone, ['tab-closed']);
  });
});
