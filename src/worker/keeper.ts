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
} from '../bridge/api.js';
import {
  checkCandidates,
  checkMessage,
  DEFAULT_REQUEST_TIMEOUT_MS,
  describeBadId,
  DestroyedError,
  Emitter,
  InvalidArgumentError,
  isJanusId,
  JanusError,
  JanusErrorCode,
  JanusSession,
  requireId,
  requireNonEmptyString,
  SessionReclaimException,
  TransportError,
  systemClock,
  Credentials,
  checkToken,
  type Clock,
  type FetchLike,
  type Jsep,
  type MessageOptions,
  type Logger,
  type PluginHandle,
  type TrickleCandidate,
  type WebSocketConstructor,
} from '../janus/index.js';
import { checkConfig, keeperKey, serverList } from '../bridge/config.js';
import { DEFAULT_BACKOFF, type BackoffPolicy, type RetrySchedule } from './recovery/backoff.js';
import { HandleTable } from './handles/handle-table.js';
import { SessionRecord } from './record/record.js';
import { DEFAULT_MAX_ATTEMPTS_PER_MINUTE, Recovery } from './recovery/recovery.js';
import { SessionMachine } from './session/session-machine.js';
import { sessionOptionsFor } from './session/session-options.js';
import type { SessionStore } from './record/store.js';
import { SessionSteps } from './session/steps.js';
import { TabRegistry, webLocksLiveness, type LivenessWatch } from './host/tabs.js';
import type { UnseenTabWatch } from './handles/unseen-tabs.js';
import { PageTokens } from './host/page-tokens.js';

const DEFAULT_TOKEN_TIMEOUT_MS = 10_000;

export { surelyExpired } from './servers/servers.js';

/** After a minute without events a keeper checks that its session was not claimed elsewhere. */
const DEFAULT_OWNERSHIP_PROBE_MS = 60_000;

/** Options of a {@link Keeper}: its config, its store, and the clock, randomness and schedule tests inject. */
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
  /**
   * When handles adopted from the stored record belong to a tab this keeper never saw: calls
   * `noPage` once that tab has no page open (the worker passes `expireWhenPagesGone`), again when
   * its grace ends. Default: at once, so they go after the grace period like any absent tab's.
   */
  unseenTab?: UnseenTabWatch;
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

/**
 * One Janus session for every tab that uses one server: creates or claims it, keeps it alive,
 * reconnects and claims it again after a drop, and owns the plugin handles on the tabs' behalf.
 * The session's life is the state machine of `SessionSteps`; this class is the per-tab API.
 */
export class Keeper extends Emitter<KeeperEvents> {
  readonly tabs: TabRegistry;
  /** The one token of every session this keeper opens: `setToken`, or the provider renews it. */
  readonly credentials: Credentials;
  /**
   * In a worker: the pages that can give tokens (the keeper's provider while one is open).
   * @internal
   */
  readonly pageTokens: PageTokens;
  /** Why the token failed, while it does (named in every state). */
  #tokenCause: string | undefined;
  readonly #options: KeeperOptions;
  readonly #servers: string[];
  readonly #machine: SessionMachine;
  readonly #handles: HandleTable;
  readonly #steps: SessionSteps;
  readonly #record: SessionRecord;
  readonly #stats: KeeperStats = { keepalives: 0, creates: 0, claims: 0, connections: 0 };
  /** Why this keeper cannot go on yet (another keeper holds its record), while that lasts. */
  #waitCause: string | undefined;

  /** Throws `InvalidArgumentError` for a bad config (an empty server list, a malformed URL...). */
  constructor(options: KeeperOptions) {
    super();
    const config = checkConfig(options.config);
    this.#options = { ...options, config };
    this.#servers = serverList(config);
    const clock = options.clock ?? systemClock;
    this.#machine = new SessionMachine(clock, () => this.#publish());
    const own = config.token;
    const tokenTimeoutMs = config.tokenTimeoutMs ?? DEFAULT_TOKEN_TIMEOUT_MS;
    this.credentials = new Credentials({ token: own, apiSecret: config.apiSecret, clock, providerTimeoutMs: tokenTimeoutMs });
    // A provider of the config's own (Node) serves always; else the pages' while one is open.
    this.pageTokens = new PageTokens(clock, tokenTimeoutMs, (any) => {
      if (typeof own !== 'function') this.credentials.setProvider(any ? () => this.pageTokens.ask() : undefined);
    });
    this.credentials.on('failed', (error) => {
      this.#tokenCause = `${error.name}: ${error.message}`;
      this.#publish();
    });
    this.credentials.on('renewed', () => {
      if (this.#tokenCause === undefined) return;
      this.#tokenCause = undefined;
      this.#publish();
    });
    this.tabs = new TabRegistry({
      graceMs: options.tabGraceMs ?? 3_000,
      liveness: options.liveness ?? webLocksLiveness,
      onTabGone: (tabId) => void this.#onTabGone(tabId),
      onPagesChanged: () => this.#publish(),
      clock,
      ...(options.unseenTab ? { unseenTab: options.unseenTab } : {}),
    });
    this.#handles = new HandleTable({
      deliver: (owner, event) => this.#deliver(owner, event),
      changed: () => void this.#steps.persist(),
    });
    const recovery = new Recovery({
      clock,
      random: options.random ?? Math.random,
      backoff: { ...DEFAULT_BACKOFF, ...options.backoff, ...config.backoff },
      ...(options.schedule ? { schedule: options.schedule } : {}),
      maxAttemptsPerMinute: config.maxAttemptsPerMinute ?? DEFAULT_MAX_ATTEMPTS_PER_MINUTE,
    });
    this.#record = new SessionRecord(options.store, this.key, this.#servers, clock, options.logger);
    this.#steps = new SessionSteps({
      machine: this.#machine,
      recovery,
      handles: this.#handles,
      tabs: this.tabs,
      record: this.#record,
      servers: this.#servers,
      clock,
      stats: this.#stats,
      autoRecreate: config.autoRecreate === true,
      standalone: options.standalone === true,
      ownershipProbeMs: config.ownershipProbeMs ?? DEFAULT_OWNERSHIP_PROBE_MS,
      requestTimeoutMs: config.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
      waitsForToken: () => this.credentials.failure !== undefined && !this.credentials.renewable,
      open: (sessionId, server, cancelled, onClaimSent) =>
        JanusSession.create({ ...sessionOptionsFor(this.#options, this.credentials, sessionId, server), cancelled,
          ...(onClaimSent ? { onClaimSent } : {}) }),
      deliver: (owner, event) => this.#deliver(owner, event),
      broadcast: (event) => this.#broadcast(event),
      note: (line) => (options.logger ?? console).warn(`[janus-keeper] ${line}`),
    });
  }

  /** The keeper's identity: its server URL, or its server list (as JSON). */
  get key(): string {
    return keeperKey(this.#options.config);
  }

  get state(): KeeperStateName {
    return this.#machine.state;
  }

  snapshot(tabId?: string): KeeperState {
    const session = this.#steps.session;
    const server = this.#steps.server;
    const snapshot: KeeperState = {
      state: this.#machine.state,
      server,
      servers: [...this.#servers],
      transport: server.startsWith('http') ? 'http' : 'ws',
      tabs: this.tabs.pageCount,
      handles: this.#handles.ownedBy(tabId),
      stats: { ...this.#stats, tokensAsked: this.credentials.providerCalls, tokensRefused: this.credentials.refusals },
    };
    if (session) snapshot.sessionId = session.id;
    else if (this.#steps.claiming) snapshot.claiming = this.#steps.claiming.id;
    const allows = this.#steps.serverAllows;
    if (allows) snapshot.serverAllows = allows;
    const cause = this.#waitCause ?? this.#tokenCause ?? this.#machine.cause;
    if (cause !== undefined) snapshot.cause = cause;
    if (this.#machine.nextRetryAt !== undefined) snapshot.nextRetryAt = this.#machine.nextRetryAt;
    return snapshot;
  }

  /** The live session; else claims `sessionId`, else the stored one; else creates. */
  async create(sessionId?: number): Promise<CreateResult> {
    if (sessionId !== undefined && !isJanusId(sessionId)) {
      throw new SessionReclaimException(JanusErrorCode.SessionNotFound,
        `invalid session id: must be a positive safe integer (got ${describeBadId(sessionId)})`, undefined);
    }
    return this.#steps.create(sessionId, this.#requestTimeoutMs);
  }

  async attach(tabId: string, plugin: string, request: AttachRequest = {}): Promise<HandleInfo> {
    requireNonEmptyString(plugin, 'plugin');
    if (request.opaqueId !== undefined) requireNonEmptyString(request.opaqueId, 'opaqueId');
    if (request.handleId !== undefined) requireId(request.handleId, 'handleId');
    if (request.token !== undefined) checkToken(request.token, 'attach token');
    if (request.take !== undefined && typeof request.take !== 'boolean') {
      throw new InvalidArgumentError('take must be a boolean');
    }
    const tabWasThere = this.tabs.isKnown(tabId);
    const session = await this.#steps.live(this.#requestTimeoutMs);
    if (request.handleId !== undefined) {
      await session.untilClaimed(); // naming a handle sends nothing: it waits for the claim's answer
      const named = this.#handles.claimByName(tabId, request.handleId, plugin, request.take === true);
      if (named) return named;
      // A session this keeper created holds only the handles it attached: that id went with an older
      // one. And an id it let go (detached, or its tab left) is gone whatever the session.
      if (!session.reclaimed || this.#handles.isGone(request.handleId)) {
        throw new DestroyedError('that handle is gone (with its session, or let go): attach a new one');
      }
    }
    const { handleId, opaqueId, token } = request;
    const handle = await session.attach(plugin, {
      ...(handleId === undefined ? {} : { handleId }),
      ...(opaqueId === undefined ? {} : { opaqueId }),
      ...(token === undefined ? {} : { token }),
    });
    if (this.#steps.session !== session || session.state !== 'open') {
      throw new TransportError('the link to Janus changed while attaching: the outcome is unknown, attach again');
    }
    if (!this.#options.standalone && tabWasThere && !this.tabs.isKnown(tabId)) {
      void this.#handles.detachOrDoom(handle).catch(() => {});
      throw new DestroyedError('the tab left before its attach finished: the handle was detached');
    }
    return this.#handles.add(handle, tabId, opaqueId);
  }

  async message(tabId: string, handleId: number, body: Record<string, unknown>, jsep?: Jsep,
    options?: MessageOptions): Promise<MessageResult> {
    checkMessage(body, jsep, options);
    const handle = await this.#ownedHandle(tabId, handleId);
    const answer = await handle.message(body, jsep, options);
    const result: MessageResult = { answer: answer.answer, data: answer.data };
    if (answer.jsep) result.jsep = answer.jsep;
    return result;
  }

  /** Janus's `info`, asked on the session's link. */
  async info(): Promise<Record<string, unknown>> {
    return (await this.#steps.live(this.#requestTimeoutMs)).info();
  }

  async trickle(tabId: string, handleId: number, candidate: TrickleCandidate | TrickleCandidate[] | null): Promise<void> {
    checkCandidates(candidate);
    await (await this.#ownedHandle(tabId, handleId)).trickle(candidate);
  }

  async hangup(tabId: string, handleId: number): Promise<void> {
    await (await this.#ownedHandle(tabId, handleId)).hangup();
  }

  /**
   * Detaches the handle; one Janus had already dropped (459) is forgotten all the same, and one whose
   * link failed under the detach is detached again after the next claim.
   */
  async detach(tabId: string, handleId: number): Promise<void> {
    const handle = await this.#ownedHandle(tabId, handleId);
    try {
      await this.#handles.detachOrDoom(handle);
    } catch (error) {
      if (!(error instanceof JanusError && error.code === JanusErrorCode.HandleNotFound)) throw error;
    }
    this.#handles.remove(handleId);
  }

  /** The network is back (a tab saw `online`): retry now rather than after the backoff. */
  online(): void {
    this.#steps.online();
  }

  /**
   * Replaces the token of every session request from now on (`null`: none). After a token
   * failure, the waiting claim or create runs now with it.
   */
  setToken(token: string | null): void {
    this.credentials.setToken(token);
    this.#steps.online('a new token');
  }

  /** A token a page brought (its config's): taken when newer than the one in use (see `Credentials.offer`). */
  offerToken(token: string): void {
    if (this.credentials.offer(token)) this.#steps.online('a new token');
  }

  /**
   * Ends the session: at once for the tabs (state `idle`, the record cleared), then on Janus. When
   * Janus cannot be told (no link), it rejects, and Janus drops the session after its reclaim window.
   */
  destroy(): Promise<void> {
    return this.#steps.destroy();
  }

  /**
   * Lets the session go without ending it, for another keeper to claim (an upgrade's handover):
   * state `idle` with `cause`, the link closed, the session left on Janus for its reclaim window.
   */
  handOver(cause: string): void {
    this.#steps.sleep(cause);
  }

  /** While `cause` is set, every state this keeper tells says it (why it waits); undefined: it goes on. */
  waitFor(cause: string | undefined): void {
    if (cause === this.#waitCause) return;
    this.#waitCause = cause;
    this.#publish();
  }

  // --- tabs and handles ------------------------------------------------------------------------

  async #onTabGone(tabId: string): Promise<void> {
    if (this.#options.standalone) return;
    const bound = this.#handles.releaseTab(tabId, this.#machine.state === 'ready');
    await Promise.all(bound.map((handle) => this.#handles.detachOrDoom(handle).catch(() => {})));
    // Not while another tab may still come back: its handles are let go first, on this link.
    if (!this.tabs.inUse) this.#steps.sleep();
  }

  async #ownedHandle(tabId: string, handleId: number): Promise<PluginHandle> {
    requireId(handleId, 'handleId');
    try {
      this.#handles.owned(tabId, handleId); // typed errors before any wait
    } catch (error) {
      // A new keeper reading its stored record: the tab's first call may name a handle it will
      // adopt from it (and go right behind the claim). Asked again below.
      if (!(error instanceof InvalidArgumentError) || !this.#record.loading) throw error;
    }
    await this.#steps.live(this.#requestTimeoutMs);
    const { handle } = this.#handles.owned(tabId, handleId);
    if (!handle) throw new TransportError('the handle has no live session; try again');
    return handle;
  }

  #deliver(owner: string, event: TabEvent): void {
    if (event.type === 'event' || event.type === 'detached') this.#steps.noteEvent();
    this.tabs.post(owner, event);
    if (event.type === 'event') this.emit('event', { ...event, owner });
    else if (event.type === 'missed-events') this.emit('missed-events', { ...event, owner });
    else if (event.type === 'restore') this.emit('restore', { ...event, owner });
  }

  #broadcast(event: Extract<TabEvent, { type: 'session-lost' }>): void {
    this.tabs.broadcast(event);
    const { type, ...detail } = event;
    this.emit(type, detail);
  }

  #publish(): void {
    this.tabs.broadcast((tabId) => ({ type: 'state', state: this.snapshot(tabId) }));
    this.emit('state', this.snapshot());
  }

  get #requestTimeoutMs(): number {
    return this.#options.config.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  }
}

