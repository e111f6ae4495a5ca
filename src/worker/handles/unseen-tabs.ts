// Handles adopted from the stored record may belong to tabs this keeper never saw: tabs on their
// way back to a new worker, tabs of another keeper, or tabs closed long ago. Their handles are let
// go (after the usual grace) only once no page of the tab holds its lock (see bridge/page-lock.ts),
// and the registry asks again when the grace ends: a page of the tab may have opened meanwhile on
// another keeper (a reload there), which no earlier answer could know.
import { isPageLockOf, tabTag } from '../../bridge/page-lock.js';

/**
 * Calls `noPage` once the tab `tabId` has no page open anywhere in the origin: `afterWaiting` false
 * when none was open as it asked, true once the pages that were (and any opened meanwhile) are gone.
 */
export type UnseenTabWatch = (tabId: string, noPage: (afterWaiting: boolean) => void) => void;

export const expireWhenPagesGone: UnseenTabWatch = (tabId, noPage) => {
  const locks = (globalThis.navigator as Navigator | undefined)?.locks;
  if (!locks) {
    noPage(false);
    return;
  }
  untilNoPage(locks, tabId).then(noPage, () => noPage(false));
};

async function untilNoPage(locks: LockManager, tabId: string): Promise<boolean> {
  const tag = await tabTag(tabId);
  if (tag === undefined) return false; // no digest, no names to match: as if no page were open
  for (let afterWaiting = false; ; afterWaiting = true) {
    const { held = [] } = await locks.query();
    const pages = held.map((lock) => lock.name ?? '').filter((name) => isPageLockOf(name, tag));
    if (pages.length === 0) return afterWaiting;
    await Promise.all(pages.map((name) => locks.request(name, () => {})));
  }
}
