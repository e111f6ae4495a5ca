import type {
  AttachRequest,
  CreateResult,
  HandleInfo,
  KeeperConfig,
  KeeperState,
  KeeperStateName,
  KeeperStats,
  MessageResult,
  TabEvent,
  WebRtcState,
} from '../bridge/api.js';
import {
  checkCandidates,
  checkMessage,
  describeBadId,
  Emitter,
  InvalidArgumentError,
  isJanusId,
  JanusError,
  JanusErrorCode,
  JanusSession,
  requireId,
  requireNonEmptyString,
  SessionReclaimException,
  TimeoutError,
  TransportError,
  type FetchLike,
  type JanusSessionOptions,
  type Jsep,
  type Logger,
  systemClock,
  type Clock,
  type PluginHandle,
  type TrickleCandidate,
  type WebSocketConstructor,
} from '../janus/index.js';
import { checkConfig, keeperKey, serverList } from '../bridge/config.js';
import { DEFAULT_BACKOFF, fullJitter, type BackoffPolicy, type RetryCause, type RetrySchedule } from './backoff.js';
import { AttemptLimit } from './attempt-limit.js';
import { STORE_VERSION, type SessionStore, type StoredHandle, type StoredSession } from './store.js';
import { creationOrder, firstThatAnswers, ownerOf, reclaimWindowPassed, unclaimable, withExpiry } from './servers.js';
import { TabRegistry, webLocksLiveness, type LivenessWatch } from './tabs.js';
import { onHandleEvents, webrtcAfter } from './handle-events.js';

export { reclaimWindowPassed } from './servers.js';

export interface KeeperOptions {
  config: KeeperConfig;
  store: SessionStore;
  /** How long a tab may be away (a reload) before its handles are detached. Default 3 s. */
  tabGraceMs?: number;
  /**
   * No tabs (Node, or one owner): handles never expire with an absent tab and the keeper never
   * goes idle for want of tabs. Default false.
   */
  standalone?: boolean;
  liveness?: LivenessWatch;
  backoff?: BackoffPolicy;
  /** Replaces the full-jitter schedule of `backoff` (e.g. to compare schedules in a benchmark). */
  schedule?: RetrySchedule;
  random?: () => number;
  /** Time and timers (default: the system's); the sessions it opens use it too. */
  clock?: Clock;
  WebSocket?: WebSocketConstructor;
  fetch?: FetchLike;
  logger?: Logger;
}

/**
 * What a keeper tells the code that runs it (Node, tests, a custom worker); tabs get the same
 * news on their ports. Per-handle events name the tab (`owner`) that owns the handle.
 */
export interface KeeperEvents {
  state: KeeperState;
  'session-lost': { reason: string; code?: number };
  'missed-events': { handleIds: number[]; sessionId: number; owner: string };
  restore: { handle: HandleInfo; sessionId: number; owner: string };
  event: Extract<TabEvent, { type: 'event' }> & { owner: string };
}

type Orphan = Pick<OwnedHandle, 'info' | 'owner'>;

interface OwnedHandle {
  info: HandleInfo;
  owner: string;
  handle: PluginHandle | undefined;
  /** From webrtcup/hangup; unset for a handle adopted from storage (events may have been missed). */
  webrtc?: WebRtcState;
}

const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
const DEFAULT_MAX_ATTEMPTS_PER_MINUTE = 60;
const LOCAL_RETRY_SPACING_MS = 1_000;
/** Errors that a retry cannot fix: bad token or secret, plugin not allowed. */
const FATAL_CODES = new Set<number>([JanusErrorCode.Unauthorized, JanusErrorCode.UnauthorizedPlugin]);

/**
 * One Janus session for every tab that uses one server: creates or claims it, keeps it alive,
 * reconnects and claims it again after a drop, and owns the plugin handles on the tabs' behalf.
 */
export class Keeper extends Emitter<KeeperEvents> {
  readonly tabs: TabRegistry;
  readonly #options: KeeperOptions;
  readonly #handles = new Map<number, OwnedHandle>();
  readonly #stats: KeeperStats = { keepalives: 0, creates: 0, claims: 0, connections: 0 };
  readonly #stateWaiters = new Set<() => void>();
  #session: JanusSession | undefined;
  #state: KeeperStateName = 'idle';
  #cause: string | undefined;
  #nextRetryAt: number | undefined;
  #establishing: Promise<CreateResult> | undefined;
  #attempt = 0;
  #retryTimer: unknown;
  /** When the live link came up: the backoff resets once it stayed up `resetAfterMs`. */
  #upSince = 0;
  #reclaiming = false;
  #saving: Promise<void> = Promise.resolve();
  readonly #attempts: AttemptLimit;
  readonly #servers: string[];
  /** The server of the live (or last) session: claims go there only. */
  #owner: string | undefined;
  /** The server whose session was lost: the next create starts after it (see `creationOrder`). */
  #lostOn: string | undefined;
  /** Counts `#forget`s, so that a recreate loop stops once the keeper was destroyed meanwhile. */
  #forgets = 0;

  /** Throws `InvalidArgumentError` for a bad config (an empty server list, a malformed URL...). */
  constructor(options: KeeperOptions) {
    super();
    this.#options = { ...options, config: checkConfig(options.config) };
    this.#servers = serverList(this.#options.config);
    this.#attempts = new AttemptLimit(this.#options.config.maxAttemptsPerMinute ?? DEFAULT_MAX_ATTEMPTS_PER_MINUTE,
      () => this.#now());
    this.tabs = new TabRegistry({
      graceMs: options.tabGraceMs ?? 3_000,
      liveness: options.liveness ?? webLocksLiveness,
      onTabGone: (tabId) => void this.#onTabGone(tabId),
      onPagesChanged: () => this.#publish(),
    });
  }

  /** The keeper's identity: its server URL, or its server list (as JSON). */
  get key(): string {
    return keeperKey(this.#options.config);
  }

  get state(): KeeperStateName {
    return this.#state;
  }

  snapshot(tabId?: string): KeeperState {
    const server = (this.#session && this.#owner) || this.#servers[0]!;
    const snapshot: KeeperState = {
      state: this.#state,
      server,
      servers: [...this.#servers],
      transport: server.startsWith('http') ? 'http' : 'ws',
      tabs: this.tabs.pageCount,
      handles: [...this.#handles.values()].filter((owned) => owned.owner === tabId)
        .map((owned) => ({ ...owned.info, webrtc: owned.webrtc ?? 'unknown' })),
      stats: { ...this.#stats },
    };
    if (this.#session) snapshot.sessionId = this.#session.id;
    if (this.#cause !== undefined) snapshot.cause = this.#cause;
    if (this.#nextRetryAt !== undefined) snapshot.nextRetryAt = this.#nextRetryAt;
    return snapshot;
  }

  /** The live session; else claims `sessionId`, else the stored one; else creates. */
  async create(sessionId?: number): Promise<CreateResult> {
    if (sessionId !== undefined && !isJanusId(sessionId)) {
      throw new SessionReclaimException(JanusErrorCode.SessionNotFound,
        `invalid session id: must be a positive safe integer (got ${describeBadId(sessionId)})`, undefined);
    }
    if (this.#session?.state === 'open') return { sessionId: this.#session.id, reclaimed: false };
    if (this.#state === 'reconnecting') {
      await this.#untilReady(this.#requestTimeoutMs);
      return { sessionId: this.#session!.id, reclaimed: false };
    }
    this.#establishing ??= this.#establish(sessionId).finally(() => {
      this.#establishing = undefined;
    });
    return this.#establishing;
  }

  async attach(tabId: string, plugin: string, request: AttachRequest = {}): Promise<HandleInfo> {
    requireNonEmptyString(plugin, 'plugin');
    if (request.opaqueId !== undefined) requireNonEmptyString(request.opaqueId, 'opaqueId');
    if (request.handleId !== undefined) requireId(request.handleId, 'handleId');
    const session = await this.#liveSession();
    const known = request.handleId === undefined ? undefined : this.#handles.get(request.handleId);
    if (known) {
      if (known.owner !== tabId) known.owner = tabId; // a tab adopts a handle it names
      this.#persist();
      return { ...known.info };
    }
    const handle = await session.attach(plugin, request);
    const info: HandleInfo = { handleId: handle.id, plugin };
    if (request.opaqueId !== undefined) info.opaqueId = request.opaqueId;
    this.#handles.set(handle.id, { info, owner: tabId, handle, webrtc: 'none' });
    this.#wire(handle, tabId);
    this.#persist();
    return { ...info };
  }

  async message(tabId: string, handleId: number, body: Record<string, unknown>, jsep?: Jsep): Promise<MessageResult> {
    checkMessage(body, jsep);
    const handle = await this.#ownedHandle(tabId, handleId);
    const answer = await handle.message(body, jsep);
    const result: MessageResult = { data: answer.data };
    if (answer.jsep) result.jsep = answer.jsep;
    return result;
  }

  async trickle(tabId: string, handleId: number, candidate: TrickleCandidate | TrickleCandidate[] | null): Promise<void> {
    checkCandidates(candidate);
    await (await this.#ownedHandle(tabId, handleId)).trickle(candidate);
  }

  async hangup(tabId: string, handleId: number): Promise<void> {
    await (await this.#ownedHandle(tabId, handleId)).hangup();
  }

  async detach(tabId: string, handleId: number): Promise<void> {
    const handle = await this.#ownedHandle(tabId, handleId);
    await handle.detach();
    this.#handles.delete(handleId);
    this.#persist();
  }

  /** The network is back (a tab saw `online`): retry now rather than after the backoff. */
  online(): void {
    if (this.#state !== 'reconnecting' || this.#reclaiming) return;
    // Many tabs (or a flapping network) fire `online` in bursts: one local retry per second at most.
    const wait = Math.max(0, LOCAL_RETRY_SPACING_MS - this.#attempts.sinceLastMs());
    if (this.#nextRetryAt !== undefined && this.#nextRetryAt <= this.#now() + wait) return;
    this.#scheduleReclaim(wait, 'network back online');
  }

  async destroy(): Promise<void> {
    const session = this.#session;
    if (session?.state === 'open') await session.destroy();
    await this.#forget('the session was destroyed by a tab', undefined, 'idle');
  }

  // --- establishing and reclaiming -------------------------------------------------------------

  async #establish(givenId: number | undefined): Promise<CreateResult> {
    this.#setState('connecting', givenId === undefined ? 'create' : 'claim');
    const stored = await this.#loadClaimable();
    const candidate = givenId ?? this.#session?.id ?? stored?.sessionId;
    const fromStore = stored !== undefined && stored.sessionId === candidate;
    if (fromStore && this.#handles.size === 0) this.#adoptStored(stored.handles);
    // A claim goes to the owner only: never a create elsewhere while it may still hold the session.
    const claimOn = fromStore ? ownerOf(stored) : this.#owner ?? this.#servers[0]!;
    let opened: { session: JanusSession; server: string } | undefined;
    let orphans: Orphan[] = [];
    try {
      if (candidate !== undefined) {
        try {
          opened = { session: await this.#open(candidate, claimOn), server: claimOn };
        } catch (error) {
          if (!(error instanceof SessionReclaimException)) throw error;
          orphans = this.#orphans();
          this.#lostOn = claimOn;
          await this.#forget(`claim refused: ${error.reason}`, error.code, 'connecting');
        }
      }
      opened ??= await firstThatAnswers(creationOrder(this.#servers, this.#lostOn), (server) => this.#open(undefined, server));
    } catch (error) {
      this.#setState('idle', error instanceof Error ? error.name : 'error');
      throw error;
    }
    const { session, server } = opened;
    const reclaimed = session.reclaimed;
    this.#bind(session, server);
    this.#setState('ready', reclaimed ? 'claimed' : 'created');
    if (reclaimed) this.#announceMissedEvents(session.id);
    if (this.#options.config.autoRecreate) this.#restore(orphans, session.id);
    return { sessionId: session.id, reclaimed };
  }

  /**
   * The stored record, unless Janus has surely dropped its session by now or it names an owner
   * that is not one of this keeper's servers (then it is cleared).
   */
  async #loadClaimable(): Promise<StoredSession | undefined> {
    const stored = await this.#options.store.load(this.key);
    const why = stored && unclaimable(stored, this.#servers, this.#now());
    if (!why) return stored;
    this.#options.logger?.warn(why);
    await this.#options.store.clear(this.key);
    return undefined;
  }

  async #open(sessionId: number | undefined, server: string): Promise<JanusSession> {
    await this.#attemptSlot();
    this.#attempts.record();
    this.#stats.connections++;
    const session = await JanusSession.create(this.#sessionOptions(sessionId, server));
    if (sessionId === undefined) this.#stats.creates++;
    else this.#stats.claims++;
    return session;
  }

  #sessionOptions(sessionId: number | undefined, server: string): JanusSessionOptions {
    const { config } = this.#options;
    const options: JanusSessionOptions = { server };
    if (config.transport) options.transport = config.transport;
    if (config.token) options.token = config.token;
    if (config.apiSecret) options.apiSecret = config.apiSecret;
    if (config.keepAliveMs) options.keepAliveMs = config.keepAliveMs;
    if (config.keepAliveTimeoutMs) options.keepAliveTimeoutMs = config.keepAliveTimeoutMs;
    if (config.requestTimeoutMs) options.requestTimeoutMs = config.requestTimeoutMs;
    if (this.#options.WebSocket) options.WebSocket = this.#options.WebSocket;
    if (this.#options.fetch) options.fetch = this.#options.fetch;
    if (this.#options.clock) options.clock = this.#options.clock;
    if (this.#options.logger) options.logger = this.#options.logger;
    if (sessionId !== undefined) options.sessionId = sessionId;
    return options;
  }

  /** Makes `session` the live one and re-binds every known handle to it (no requests). */
  #bind(session: JanusSession, server: string): void {
    this.#session = session;
    this.#owner = server;
    this.#lostOn = undefined;
    this.#upSince = this.#now();
    this.#nextRetryAt = undefined;
    session.on('keepalive', () => {
      this.#stats.keepalives++;
      this.#persist(); // keeps savedAt fresh: a new worker judges the record's age by it
    });
    session.on('disconnected', (error) => this.#onDisconnected(session, error));
    session.on('lost', (error) => this.#onLost(session, error));
    for (const owned of this.#handles.values()) {
      owned.handle = session.rebind(owned.info.plugin, this.#rebindRequest(owned.info));
      this.#wire(owned.handle, owned.owner);
      if (!this.#options.standalone && !this.tabs.isLive(owned.owner)) this.tabs.expectBack(owned.owner);
    }
    this.#persist();
  }

  #rebindRequest(info: HandleInfo): AttachRequest & { handleId: number } {
    return info.opaqueId === undefined ? { handleId: info.handleId } : { handleId: info.handleId, opaqueId: info.opaqueId };
  }

  #adoptStored(handles: StoredHandle[]): void {
    for (const stored of handles) {
      const info: HandleInfo = { handleId: stored.handleId, plugin: stored.plugin };
      if (stored.opaqueId !== undefined) info.opaqueId = stored.opaqueId;
      this.#handles.set(stored.handleId, { info, owner: stored.owner, handle: undefined });
    }
  }

  #onDisconnected(session: JanusSession, error: TransportError): void {
    if (session !== this.#session || this.#state === 'idle') return;
    // A server that accepts and drops at once must not reset the schedule into a tight loop.
    if (this.#now() - this.#upSince >= this.#backoff.resetAfterMs) this.#attempt = 0;
    this.#retryLater(error.message, error.local ? 'local' : 'server');
  }

  /** Schedules the next claim on the backoff, unless the server has surely dropped the session. */
  #retryLater(cause: string, kind: RetryCause): void {
    const previous = this.#session;
    // After a local fault (a wake from sleep) the clocks say little about Janus: the claim will tell.
    if (kind === 'server' && previous && reclaimWindowPassed(previous, this.#now())) {
      void this.#lose('the reclaim window passed before Janus was reachable again', JanusErrorCode.SessionNotFound);
      return;
    }
    this.#scheduleReclaim(this.#delay(this.#attempt++, kind), cause);
  }

  #scheduleReclaim(delayMs: number, cause: string): void {
    this.#clock.clearTimeout(this.#retryTimer);
    this.#nextRetryAt = this.#now() + delayMs;
    this.#setState('reconnecting', cause);
    this.#retryTimer = this.#clock.setTimeout(() => void this.#reclaim(), delayMs);
  }

  async #reclaim(): Promise<void> {
    const previous = this.#session;
    if (!previous || this.#state !== 'reconnecting' || this.#reclaiming) return;
    this.#reclaiming = true;
    try {
      const owner = this.#owner!;
      const session = await this.#open(previous.id, owner);
      if (this.#state !== 'reconnecting') {
        session.close();
        return;
      }
      this.#bind(session, owner);
      this.#setState('ready', 'claimed after a drop');
      this.#announceMissedEvents(session.id);
    } catch (error) {
      if (error instanceof SessionReclaimException) {
        await this.#lose(`the session expired on Janus: ${error.reason}`, error.code);
      } else if (error instanceof JanusError && FATAL_CODES.has(error.code)) {
        await this.#lose(`Janus refused the claim: ${error.reason}`, error.code); // retrying cannot help
      } else if (this.#state === 'reconnecting') {
        this.#retryLater(error instanceof Error ? error.message : 'reconnect failed', 'server');
      }
    } finally {
      this.#reclaiming = false;
    }
  }

  #onLost(session: JanusSession, error: JanusError): void {
    if (session !== this.#session) return;
    void this.#lose(`the session expired on Janus: ${error.reason}`, error.code);
  }

  /** State `lost`; with `autoRecreate`, a new session and a `restore` for each handle it had. */
  async #lose(reason: string, code: number | undefined): Promise<void> {
    const orphans = this.#orphans();
    this.#lostOn = this.#owner;
    await this.#forget(reason, code, 'lost');
    if (!this.#options.config.autoRecreate) return;
    // Standalone (Node) has no tabs: it recreates for its one owner; a worker stops once every tab
    // left. Either stops when the keeper was destroyed or lost again meanwhile.
    const forgets = this.#forgets;
    const wanted = () => (this.#options.standalone || this.tabs.pageCount > 0) && forgets === this.#forgets;
    for (let attempt = 0; wanted() && this.#session?.state !== 'open'; attempt++) {
      try {
        await this.create();
      } catch {
        await this.#wait(this.#delay(attempt, 'server'));
        continue;
      }
    }
    if (this.#session && forgets === this.#forgets) this.#restore(orphans, this.#session.id);
  }

  #orphans(): Orphan[] {
    return [...this.#handles.values()].map(({ info, owner }) => ({ info, owner }));
  }

  /** Tells each handle's tab that it is gone and which new session to re-attach it on. */
  #restore(orphans: Orphan[], sessionId: number): void {
    for (const { info, owner } of orphans) {
      this.tabs.post(owner, { type: 'restore', handle: { ...info }, sessionId });
      this.emit('restore', { handle: { ...info }, sessionId, owner });
    }
  }

  /** The session is no more: forget it everywhere and tell every tab, never silently. */
  async #forget(reason: string, code: number | undefined, next: KeeperStateName): Promise<void> {
    this.#clock.clearTimeout(this.#retryTimer);
    this.#forgets++;
    const session = this.#session;
    this.#session = undefined;
    session?.close();
    this.#handles.clear();
    await this.#persist();
    const lost: TabEvent = code === undefined ? { type: 'session-lost', reason } : { type: 'session-lost', reason, code };
    this.tabs.broadcast(lost);
    this.emit('session-lost', code === undefined ? { reason } : { reason, code });
    this.#setState(next, reason);
  }

  #announceMissedEvents(sessionId: number): void {
    const byOwner = new Map<string, number[]>();
    for (const owned of this.#handles.values()) {
      byOwner.set(owned.owner, [...(byOwner.get(owned.owner) ?? []), owned.info.handleId]);
    }
    for (const [owner, handleIds] of byOwner) {
      this.tabs.post(owner, { type: 'missed-events', handleIds, sessionId });
      this.emit('missed-events', { handleIds, sessionId, owner });
    }
  }

  // --- tabs and handles ------------------------------------------------------------------------

  async #onTabGone(tabId: string): Promise<void> {
    if (this.#options.standalone) return;
    const gone = [...this.#handles.values()].filter((owned) => owned.owner === tabId);
    for (const owned of gone) this.#handles.delete(owned.info.handleId);
    if (gone.length > 0) this.#persist();
    if (this.#session?.state === 'open') {
      await Promise.all(gone.map((owned) => owned.handle?.detach().catch(() => {})));
    }
    if (this.tabs.pageCount === 0) this.#sleep();
  }

  /** No tab left: stop keepalives and leave the session on Janus for its reclaim window. */
  #sleep(): void {
    this.#clock.clearTimeout(this.#retryTimer);
    this.#setState('idle', 'no tab left');
    this.#session?.close();
  }

  #wire(handle: PluginHandle, tabId: string): void {
    onHandleEvents(handle, (handleEvent) => {
      const owned = this.#handles.get(handle.id);
      if (owned) owned.webrtc = webrtcAfter(owned.webrtc ?? 'unknown', handleEvent);
      const event: TabEvent = { ...handleEvent, type: 'event' };
      this.tabs.post(owned?.owner ?? tabId, event);
      this.emit('event', { ...event, owner: owned?.owner ?? tabId });
    });
    handle.on('detached', (message) => {
      if (!message) return; // detached by us, or with its session
      const owned = this.#handles.get(handle.id);
      if (owned?.handle !== handle) return;
      this.#handles.delete(handle.id);
      this.#persist();
      this.tabs.post(owned.owner, { type: 'detached', handleId: handle.id });
    });
  }

  async #ownedHandle(tabId: string, handleId: number): Promise<PluginHandle> {
    requireId(handleId, 'handleId');
    const owned = this.#handles.get(handleId);
    if (!owned || owned.owner !== tabId) {
      throw new InvalidArgumentError('no such handle in this tab (attach it first, or name it with attach({ handleId }))');
    }
    await this.#liveSession();
    if (!owned.handle) throw new TransportError('the handle has no live session; try again');
    return owned.handle;
  }

  /** The open session: waits through a reconnection; creates one when there is none. */
  async #liveSession(): Promise<JanusSession> {
    if (this.#state === 'reconnecting' || this.#state === 'connecting') await this.#untilReady(this.#requestTimeoutMs);
    if (this.#session?.state !== 'open') await this.create();
    const session = this.#session;
    if (session?.state !== 'open') throw new TransportError('no open session to Janus');
    return session;
  }

  #untilReady(timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (this.#state === 'ready') done(resolve);
        else if (this.#state === 'lost' || this.#state === 'idle') done(() => reject(new TransportError(`the session is ${this.#state}`)));
      };
      const done = (settle: () => void) => {
        this.#clock.clearTimeout(timer);
        this.#stateWaiters.delete(check);
        settle();
      };
      const timer = this.#clock.setTimeout(() => done(() => reject(new TimeoutError(
        `Janus was not reachable again within ${timeoutMs} ms`, timeoutMs))), timeoutMs);
      this.#stateWaiters.add(check);
      check();
    });
  }

  #setState(state: KeeperStateName, cause: string): void {
    this.#state = state;
    this.#cause = cause;
    if (state !== 'reconnecting') this.#nextRetryAt = undefined;
    for (const waiter of [...this.#stateWaiters]) waiter();
    this.#publish();
  }

  #publish(): void {
    this.tabs.broadcast((tabId) => ({ type: 'state', state: this.snapshot(tabId) }));
    this.emit('state', this.snapshot());
  }

  #persist(): Promise<void> {
    const store = this.#options.store;
    const session = this.#session;
    const handles: StoredHandle[] = [...this.#handles.values()].map(({ info, owner }) => ({ ...info, owner }));
    this.#saving = this.#saving.then(() => session
      ? store.save(withExpiry({ version: STORE_VERSION, server: this.key, ...this.#ownerField(), sessionId: session.id,
        handles, savedAt: this.#now() }, session))
      : store.clear(this.key)).catch((error: unknown) => {
      this.#options.logger?.warn(`could not persist the session record: ${String(error)}`);
    });
    return this.#saving;
  }

  /** A single-server record stays as it always was (its key is the owner); a list's names its owner. */
  #ownerField(): { ownerServer?: string } {
    return this.#servers.length > 1 && this.#owner ? { ownerServer: this.#owner } : {};
  }

  /** Waits until one more attempt fits in the per-minute limit (many tabs never bypass it). */
  async #attemptSlot(): Promise<void> {
    for (let wait = this.#attempts.waitMs(); wait > 0; wait = this.#attempts.waitMs()) {
      this.#nextRetryAt = this.#now() + wait;
      this.#publish();
      await this.#wait(wait);
    }
  }

  get #requestTimeoutMs(): number {
    return this.#options.config.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  }

  get #backoff(): BackoffPolicy {
    return { ...DEFAULT_BACKOFF, ...this.#options.backoff, ...this.#options.config.backoff };
  }

  get #random(): () => number {
    return this.#options.random ?? Math.random;
  }

  #delay(attempt: number, cause: RetryCause): number {
    return (this.#options.schedule ?? fullJitter(this.#backoff))(attempt, cause, this.#random);
  }

  get #clock(): Clock {
    return this.#options.clock ?? systemClock;
  }

  #now(): number {
    return this.#clock.now();
  }

  #wait(ms: number): Promise<void> {
    return new Promise((resolve) => this.#clock.setTimeout(resolve, ms));
  }
}
