// Handles adopted from the stored record may belong to tabs this keeper never saw: tabs on their
// way back to a new worker, tabs of another keeper, or tabs closed long ago. Their handles are let
// go (after the usual grace) only once no page of the tab holds its lock (see bridge/page-lock.ts).
import { isPageLockOf, tabTag } from '../../bridge/page-lock.js';

/** Calls `expire` once the tab `tabId` has no page open anywhere in the origin (maybe at once). */
export type UnseenTabWatch = (tabId: string, expire: () => void) => void;

export const expireWhenPagesGone: UnseenTabWatch = (tabId, expire) => {
  const locks = (globalThis.navigator as Navigator | undefined)?.locks;
  if (!locks) {
    expire();
    return;
  }
  void (async () => {
    const tag = await tabTag(tabId);
    const { held = [] } = tag === undefined ? {} : await locks.query();
    const pages = held.map((lock) => lock.name ?? '').filter((name) => isPageLockOf(name, tag!));
    let left = pages.length;
    if (left === 0) expire();
    for (const name of pages) void locks.request(name, () => void (--left === 0 && expire()));
  })().catch(() => expire());
};
