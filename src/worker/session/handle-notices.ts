// What a new session tells the tabs about their handles: a claimed session's `missed-events` (Janus
// replays nothing), a recreated one's `restore` per handle of the lost session.
import type { TabEvent } from '../../bridge/api.js';
import type { HandleTable, Orphan } from '../handles/handle-table.js';
import type { TabRegistry } from '../host/tabs.js';

type Deliver = (owner: string, event: TabEvent) => void;

/** After a claim: each tab learns which of its handles may have missed events. */
export function announceMissedEvents(handles: HandleTable, sessionId: number, deliver: Deliver): void {
  const byOwner = new Map<string, number[]>();
  for (const { info, owner } of handles.orphans()) byOwner.set(owner, [...(byOwner.get(owner) ?? []), info.handleId]);
  for (const [owner, handleIds] of byOwner) deliver(owner, { type: 'missed-events', handleIds, sessionId });
}

/** Tells each handle's tab that it is gone and which new session to re-attach it on. */
export function announceRestores(orphans: Orphan[], sessionId: number, tabs: TabRegistry, standalone: boolean,
  deliver: Deliver): void {
  for (const { info, owner } of orphans) {
    // A tab with no page here yet (its handle adopted from the record, its page still joining this
    // worker) gets the restore when it says hello, not never: it would be ready and deaf.
    if (!standalone && !tabs.isLive(owner)) tabs.expectBack(owner);
    deliver(owner, { type: 'restore', handle: { ...info }, sessionId });
  }
}
