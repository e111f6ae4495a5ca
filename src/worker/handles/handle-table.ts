// The plugin handles a keeper holds for its tabs: who owns each one, where its events go, and what
// is left to do for handles whose tab went away while Janus could not be told.
import type { HandleInfo, TabEvent, WebRtcState } from '../../bridge/api.js';
import {
  DestroyedError,
  InvalidArgumentError,
  TimeoutError,
  TransportError,
  requireId,
  type JanusSession,
  type PluginHandle,
} from '../../janus/index.js';
import { onHandleEvents, webrtcAfter } from './handle-events.js';
import type { DoomedHandle, StoredHandle } from '../record/store.js';

export interface OwnedHandle {
  info: HandleInfo;
  /** The tab (its sessionStorage id) whose calls may use it and which gets its events. */
  owner: string;
  /** Bound to the live session; undefined while there is none (adopted from the record, or a drop). */
  handle: PluginHandle | undefined;
  /** From webrtcup/hangup; unset for a handle adopted from storage (events may have been missed). */
  webrtc?: WebRtcState;
}

export type Orphan = Pick<OwnedHandle, 'info' | 'owner'>;

/** A handle as the stored record keeps it. */
export function toStored({ info, owner }: Orphan): StoredHandle {
  return { ...info, owner };
}

/** A stored record's handle, as the table (and a restore) keeps it: its id, plugin and opaque id only. */
export function fromStored(stored: StoredHandle): Orphan {
  const info: HandleInfo = { handleId: stored.handleId, plugin: stored.plugin };
  if (stored.opaqueId !== undefined) info.opaqueId = stored.opaqueId;
  return { info, owner: stored.owner };
}

export interface HandleTableHost {
  /** Sends a tab event to the pages of `owner` (and to the keeper's own listeners). */
  deliver(owner: string, event: TabEvent): void;
  /** The table changed in a way the stored record shows. */
  changed(): void;
}

/** Ids of handles lost with their session are remembered (bounded) to answer `DestroyedError`. */
const MAX_GONE_IDS = 1_024;

export class HandleTable {
  readonly #handles = new Map<number, OwnedHandle>();
  readonly #gone = new Set<number>();
  /** Ids this keeper let go itself (detached, or their tab left): never bound again by name. */
  readonly #released = new Set<number>();
  /** Handles whose tab left while no link was open (id -> plugin): detached once the session is claimed again. */
  readonly #doomed = new Map<number, string>();
  readonly #wired = new WeakSet<PluginHandle>();

  constructor(private readonly host: HandleTableHost) {}

  get size(): number {
    return this.#handles.size;
  }

  get(handleId: number): OwnedHandle | undefined {
    return this.#handles.get(handleId);
  }

  ownedBy(tabId: string | undefined): HandleInfo[] {
    return [...this.#handles.values()].filter((owned) => owned.owner === tabId)
      .map((owned) => ({ ...owned.info, webrtc: owned.webrtc ?? 'unknown' }));
  }

  /** The plugin of some handle (an ownership probe attaches one of its own), if there is any. */
  anyPlugin(): string | undefined {
    return this.#handles.values().next().value?.info.plugin;
  }

  owners(): Set<string> {
    return new Set([...this.#handles.values()].map((owned) => owned.owner));
  }

  /** What the stored record keeps of each handle. */
  stored(): StoredHandle[] {
    return [...this.#handles.values()].map(toStored);
  }

  /** The doomed handles, for the stored record (a new worker detaches them after its claim). */
  storedDoomed(): DoomedHandle[] {
    return [...this.#doomed].map(([handleId, plugin]) => ({ handleId, plugin }));
  }

  orphans(): Orphan[] {
    return [...this.#handles.values()].map(({ info, owner }) => ({ info: { ...info }, owner }));
  }

  /** Handles of a record, before they are re-bound on the claimed session. */
  adopt(handles: StoredHandle[], doomed: DoomedHandle[]): void {
    for (const { handleId, plugin } of doomed) this.#doomed.set(handleId, plugin);
    for (const { info, owner } of handles.map(fromStored)) this.#handles.set(info.handleId, { info, owner, handle: undefined });
  }

  add(handle: PluginHandle, owner: string, opaqueId: string | undefined): HandleInfo {
    const info: HandleInfo = { handleId: handle.id, plugin: handle.plugin };
    if (opaqueId !== undefined) info.opaqueId = opaqueId;
    this.#gone.delete(handle.id);
    this.#released.delete(handle.id);
    this.#handles.set(handle.id, { info, owner, handle, webrtc: 'none' });
    this.#wire(handle);
    this.host.changed();
    return { ...info };
  }

  /**
   * A tab names a handle it knows. Its own: returned as it is. Another tab's: moved only with
   * `take` and only under the same plugin; the previous owner is told (`handle-moved`).
   */
  claimByName(tabId: string, handleId: number, plugin: string, take: boolean): HandleInfo | undefined {
    const owned = this.#handles.get(handleId);
    if (!owned) return undefined;
    if (owned.info.plugin !== plugin) {
      throw new InvalidArgumentError(`handle ${handleId} is attached to another plugin`);
    }
    if (owned.owner !== tabId) {
      if (!take) {
        throw new InvalidArgumentError('that handle belongs to another tab: pass { take: true } to move it to this one');
      }
      const previous = owned.owner;
      owned.owner = tabId;
      this.host.deliver(previous, { type: 'handle-moved', handleId });
      this.host.changed();
    }
    return { ...owned.info };
  }

  /** The handle `tabId` may call now; typed errors for every other case. */
  owned(tabId: string, handleId: number): OwnedHandle {
    requireId(handleId, 'handleId');
    const owned = this.#handles.get(handleId);
    if (!owned) {
      if (this.#gone.has(handleId)) throw new DestroyedError('the handle is gone: it was lost with its session');
      throw new InvalidArgumentError('no such handle in this tab (attach it first, or name it with attach({ handleId }))');
    }
    if (owned.owner !== tabId) {
      throw new InvalidArgumentError('that handle belongs to another tab (move it with attach(plugin, { handleId, take: true }))');
    }
    return owned;
  }

  /** The handle no longer exists on Janus (detached, or Janus said 459). */
  remove(handleId: number): void {
    if (!this.#handles.delete(handleId)) return;
    this.#letGo(handleId);
    this.#doomed.delete(handleId);
    this.host.changed();
  }

  /**
   * Every handle of a tab that is gone for good: forgotten now; those bound to an open session are
   * returned for detaching, the others are detached once the session is claimed again.
   */
  releaseTab(tabId: string, linkOpen: boolean): PluginHandle[] {
    const gone = [...this.#handles.values()].filter((owned) => owned.owner === tabId);
    for (const owned of gone) {
      this.#handles.delete(owned.info.handleId);
      this.#letGo(owned.info.handleId);
    }
    if (gone.length > 0) this.host.changed();
    if (!linkOpen) {
      for (const owned of gone) this.#doomed.set(owned.info.handleId, owned.info.plugin);
      return [];
    }
    return gone.flatMap((owned) => (owned.handle ? [owned.handle] : []));
  }

  /**
   * Detaches a handle no tab holds any more. When the link fails under it (half-open, a drop), Janus
   * may still have the handle: it is doomed, and detached again once the session is claimed.
   */
  async detachOrDoom(handle: PluginHandle): Promise<void> {
    this.#doomed.set(handle.id, handle.plugin); // until Janus confirms (also in the stored record)
    this.host.changed();
    try {
      await handle.detach();
    } catch (error) {
      if (!(error instanceof TransportError || error instanceof TimeoutError)) {
        this.#forgetDoomed(handle.id);
        throw error;
      }
      this.#letGo(handle.id);
      if (this.#handles.delete(handle.id)) this.host.changed();
      return;
    }
    this.#forgetDoomed(handle.id);
  }

  #forgetDoomed(handleId: number): void {
    if (this.#doomed.delete(handleId)) this.host.changed();
  }

  /**
   * Binds every known handle to `session` (no requests) and hands back the handles whose tab left
   * meanwhile, bound too, for detaching (`detachOrDoom`).
   */
  rebindAll(session: JanusSession): PluginHandle[] {
    this.bindAll(session);
    return this.takeDoomed(session);
  }

  /**
   * Binds every known handle to `session` (no requests), the doomed ones left for later: a claim
   * that went out, whose answer is not in yet, carries the calls sent right behind it.
   */
  bindAll(session: JanusSession): void {
    for (const owned of this.#handles.values()) {
      const { handleId, plugin, opaqueId } = owned.info;
      owned.handle = session.rebind(plugin, opaqueId === undefined ? { handleId } : { handleId, opaqueId });
      this.#wire(owned.handle);
    }
  }

  /** The doomed handles, bound to `session` (open: it just answered) for detaching again. */
  takeDoomed(session: JanusSession): PluginHandle[] {
    const doomed = [...this.#doomed].map(([handleId, plugin]) => session.rebind(plugin, { handleId }));
    this.#doomed.clear();
    return doomed;
  }

  /** The link dropped: handles stay (the session will be claimed) but are bound to nothing. */
  unbindAll(): void {
    for (const owned of this.#handles.values()) owned.handle = undefined;
  }

  /** The session is gone and every handle with it. */
  clear(): void {
    for (const handleId of this.#handles.keys()) this.#gone.add(handleId);
    this.#bound(this.#gone);
    this.#handles.clear();
    this.#doomed.clear();
  }

  /** True for an id this keeper knows is gone from Janus (lost, detached, or let go with its tab). */
  isGone(handleId: number): boolean {
    return this.#gone.has(handleId) || this.#released.has(handleId);
  }

  #letGo(handleId: number): void {
    this.#released.add(handleId);
    this.#bound(this.#released);
  }

  #bound(ids: Set<number>): void {
    while (ids.size > MAX_GONE_IDS) ids.delete(ids.values().next().value!);
  }

  #wire(handle: PluginHandle): void {
    if (this.#wired.has(handle)) return;
    this.#wired.add(handle);
    onHandleEvents(handle, (handleEvent) => {
      const owned = this.#handles.get(handle.id);
      if (owned?.handle !== handle) return; // an old binding, or a handle let go
      owned.webrtc = webrtcAfter(owned.webrtc ?? 'unknown', handleEvent);
      this.host.deliver(owned.owner, { ...handleEvent, type: 'event' });
    });
    handle.on('detached', (message) => {
      if (!message) return; // detached by us, or with its session
      const owned = this.#handles.get(handle.id);
      if (owned?.handle !== handle) return;
      this.remove(handle.id);
      this.host.deliver(owned.owner, { type: 'detached', handleId: handle.id });
    });
  }
}
