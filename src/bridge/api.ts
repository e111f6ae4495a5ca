// Everything that crosses the page <-> worker boundary, typed once for both bundles.
import type { AnswerKind, Jsep, MessageOptions, SessionTuning, TokenSource, TrickleCandidate } from '../janus/index.js';

export type TransportChoice = 'ws' | 'http';

/**
 * What a tab tells the keeper about the Janus server it wants. Credentials stay in worker memory.
 * The session's own options (`transport` must match the scheme of every URL when given: leave it
 * out for a list mixing ws and http) pass through to every session the keeper opens.
 */
export interface KeeperConfig extends Omit<SessionTuning, 'token'> {
  /**
   * Janus token: a string, `null` (none), or a provider (a function returning a string or a
   * promise of one). A page's provider stays in the page: the keeper asks a live page of its own
   * for a token when it needs one (before a create or claim, after a 403, ahead of a signed
   * token's expiry). A string from a later page replaces an older one. Tokens live in memory only.
   */
  token?: TokenSource;
  /**
   * Who the session is for, e.g. the signed-in user's id: keepers, stored records and sessions
   * are per server list and scope, so a page of one scope never claims, sees or detaches another
   * scope's session or handles (a shared computer: sign-out, another user signs in).
   */
  scope?: string;
  /**
   * A Janus URL (ws://, wss://, http:// or https://; in a page, a relative one like `/janus`
   * resolves against the page: see `connect()`), or a list of them: a new session is created
   * on the first that answers, in list order, and is claimed again on that server only.
   */
  server: string | string[];
  /**
   * Reconnection schedule after a server-side drop: full jitter between `floorMs` and
   * min(`capMs`, `baseMs` x 2^attempt), the attempt count reset once a link stayed up
   * `resetAfterMs`. Local causes (back online, page visible, wake from sleep) retry at once.
   */
  backoff?: { baseMs?: number; capMs?: number; floorMs?: number; resetAfterMs?: number };
  /** When the session is lost, create a new one and fire `restore` for every handle it had. */
  autoRecreate?: boolean;
  /** Create/claim attempts allowed per minute, whatever many tabs or `online` events ask (default 60). */
  maxAttemptsPerMinute?: number;
  /**
   * After this long without an event for its handles, the keeper checks that Janus still sends
   * the session's events to it (another client may have claimed the session) with one attach +
   * detach of a throwaway handle; claimed elsewhere: `session-lost`. Default 60 s; 0: never.
   */
  ownershipProbeMs?: number;
}

/** The keeper's states: `idle`, `connecting`, `ready`, `reconnecting`, `lost`. */
export type KeeperStateName = 'idle' | 'connecting' | 'ready' | 'reconnecting' | 'lost';

/** A handle the keeper holds: its id, plugin, owner tab and WebRTC state. */
export interface HandleInfo {
  handleId: number;
  plugin: string;
  opaqueId?: string;
  /**
   * The handle's PeerConnection as Janus last told (in `state()`): `none` before any `webrtcup`,
   * `up` after it, `hungup` after a `hangup` (a new offer on the same handle starts a fresh one).
   * `unknown` when this keeper claimed the session from storage (events may have been missed).
   */
  webrtc?: WebRtcState;
}

/** A handle's PeerConnection as Janus reported it: `none`, `up`, `hungup`, or `unknown` after a new worker claimed. */
export type WebRtcState = 'none' | 'up' | 'hungup' | 'unknown';

/**
 * Where this page's keeper runs: a SharedWorker; or (no SharedWorker) a Worker of the leader tab,
 * this tab (`leader`) or another one (`follower`).
 */
export type KeeperMode = 'shared-worker' | 'leader' | 'follower';

/** A snapshot of the keeper: its state and cause, the tabs sharing it, this tab's handles, the transport and server. */
export interface KeeperState {
  state: KeeperStateName;
  /** Set by the page's client: where the keeper this page talks to runs. */
  mode?: KeeperMode;
  /** The session this keeper holds, when it holds one. Shown by the demo; a credential. */
  sessionId?: number;
  /**
   * While `connecting` with no session held: the stored session its claim asks for, once the claim is
   * on its way (a reloaded page may take it as its own: the janus.js adapter does). A credential.
   */
  claiming?: number;
  /** The server that owns the session (the one to claim it on); with no session, the first to try. */
  server: string;
  /** Every server of the config, in order (one for a single URL). */
  servers: string[];
  /** The transport of `server`, by its scheme. */
  transport: TransportChoice;
  /** Pages registered with this keeper now. */
  tabs: number;
  /** Handles owned by the asking tab. */
  handles: HandleInfo[];
  /** Why the state last changed. */
  cause?: string;
  /** When the next reconnection attempt runs (epoch ms), while reconnecting. */
  nextRetryAt?: number;
  stats: KeeperStats;
  /**
   * What the Janus server of the session lets it survive, from its `info` answer (absent until a
   * session was opened). Janus's stock timers (session_timeout 60, reclaim_session_timeout 0) end
   * a WebSocket session the moment its socket closes: a drop, or a lone tab's reload in Firefox or
   * WebKit (whose SharedWorker dies with its last page), then ends on a new session.
   */
  serverAllows?: ServerAllows;
  /** The keeper worker's janus-keeper version, on the state `hello` returns. */
  version?: string;
  /**
   * On the state `hello` returns: a Web Lock the keeper's worker holds for its whole life, so a
   * page that queues for it learns at once when that worker is gone.
   */
  workerLock?: string;
  /**
   * When the keeper's worker started, and how long it took to take its first page's call: on the
   * state `hello` returns, and in a page's client on every later state (the worker it joined last).
   * @example
   * const start = keeper.currentState.workerStart;
   * if (start && start.createdAt > performance.timeOrigin) console.log(`keeper ready ${start.firstHelloMs} ms after its worker started`);
   */
  workerStart?: WorkerStart;
}

/**
 * When the keeper's worker started and how long it took to answer its first page (see
 * `KeeperState.workerStart`). A reload where the worker dies with its last page (Firefox, WebKit,
 * Chromium without `extendedLifetime`) pays this before any call.
 */
export interface WorkerStart {
  /** The worker's creation (its `performance.timeOrigin`, ms since the epoch). */
  createdAt: number;
  /** ms from its creation until its script had run: fetched, parsed, compiled, evaluated. */
  scriptMs: number;
  /** ms from its creation until it took its first page's `hello`. */
  firstHelloMs: number;
}

/** See `KeeperState.serverAllows`. */
export interface ServerAllows {
  /** Janus `session_timeout`: seconds without a request before it drops a session (0: never). */
  sessionTimeoutS: number;
  /** Janus `reclaim_session_timeout`: seconds a session outlives its closed WebSocket (0: not at all). */
  reclaimTimeoutS: number;
  /**
   * A short drop of the link (shorter than the window) keeps the session: over HTTP for
   * `sessionTimeoutS`; over a WebSocket only when `reclaimTimeoutS` > 0 (Janus counts it from the
   * session's last request). False: after a drop the keeper creates a new session at once
   * (`session-lost` names the setting).
   */
  dropKeepsSession: boolean;
  /**
   * A lone tab's reload keeps the session: the link outlives it (HTTP, or a reclaim window), or
   * the keeper's worker does (Chromium's `extendedLifetime`, a Node keeper). With a config listing
   * both a ws:// and an http(s):// URL, a keeper that dies with its pages holds the session on the
   * HTTP one when the WebSocket server's reclaim window is 0.
   */
  reloadKeepsSession: boolean;
  /** When a drop or a reload ends the session: why, and what would keep it. */
  note?: string;
}

/** Counters of the keeper's work (keepalives, creates, claims, connections), for diagnostics. */
export interface KeeperStats {
  keepalives: number;
  creates: number;
  claims: number;
  /** Links to Janus opened by this keeper (one per create/claim). */
  connections: number;
  /** Times the keeper asked for a token (its provider, or a page's): about one per renewal. */
  tokensAsked?: number;
  /** Times Janus refused a token (403): 0 while every token is renewed ahead of its expiry. */
  tokensRefused?: number;
}

/** The answer of `create()`: the session id and whether it was claimed rather than created. */
export interface CreateResult {
  sessionId: number;
  /** True when this call claimed an existing session (from the argument or from storage). */
  reclaimed: boolean;
}

/** What `attach` takes besides the plugin: an existing handle id, an opaque id, `take` to move another tab's handle. */
export interface AttachRequest {
  /** A handle that already exists: this tab's own (after a reload), or another tab's with `take`. */
  handleId?: number;
  opaqueId?: string;
  /**
   * A token for this attach only (Janus checks that it grants the plugin: 405 otherwise), as janus.js
   * `attach({ token })`. The handle's later requests carry the keeper's token.
   */
  token?: string;
  /**
   * Move the handle named by `handleId` from the tab that owns it to this one (same plugin only);
   * that tab gets `handle-moved`. Without it, another tab's handle is refused.
   */
  take?: boolean;
}

/** How Janus answered a message: `success`, `event` or `ack`, with the plugin's data and any JSEP. */
export interface MessageResult {
  /**
   * How Janus answered: `success` (synchronous plugin data, e.g. streaming `list`), `event` (the
   * event that followed the ack), or `ack` alone with `{ awaitEvent: false }`: the event then comes
   * on the tab's event port, in order with the handle's other events.
   */
  answer: AnswerKind;
  data: Record<string, unknown>;
  jsep?: Jsep;
}

/** What a page says to the keeper first (`hello`): its config, its tab and its page lock. */
export interface TabHello {
  /** The page's config; a token provider stays in the page (`tokenProvider` says there is one). */
  config: KeeperConfig;
  /** The page can give tokens: the keeper may send it `token-request`s. */
  tokenProvider?: boolean;
  /** Survives reloads of this tab (sessionStorage): handles belong to it. */
  tabId: string;
  /** Held by this page for its whole life; the worker learns the page is gone when it gets it. */
  lockName: string;
  /** The page's janus-keeper version: the worker refuses a page of another version. */
  version?: string;
}

/** The keeper as a tab sees it through Comlink: one endpoint per connected page. */
export interface KeeperEndpoint {
  hello(hello: TabHello, events: MessagePort): Promise<KeeperState>;
  create(sessionId?: number): Promise<CreateResult>;
  attach(plugin: string, options?: AttachRequest): Promise<HandleInfo>;
  message(handleId: number, body: Record<string, unknown>, jsep?: Jsep, options?: MessageOptions): Promise<MessageResult>;
  /** Janus's `info` (`server_info`, without the transaction): version, plugins, transports, timers. */
  info(): Promise<Record<string, unknown>>;
  trickle(handleId: number, candidate: TrickleCandidate | TrickleCandidate[] | null): Promise<void>;
  hangup(handleId: number): Promise<void>;
  detach(handleId: number): Promise<void>;
  state(): Promise<KeeperState>;
  /** The browser regained its network: retry now instead of waiting for the backoff. */
  online(): Promise<void>;
  /** Replaces the token for every tab of this keeper (`null`: none); a token failure stops. */
  setToken(token: string | null): Promise<void>;
  /** The page's answer to a `token-request`: the token, or why its provider gave none. */
  answerToken(requestId: number, answer: TokenAnswer): Promise<void>;
  destroy(): Promise<void>;
  /** This page leaves on purpose (its handles are detached at once). */
  goodbye(): Promise<void>;
}

/** The keeper's calls as a page's client makes them (after `hello`), whatever carries them. */
export type KeeperCalls = Omit<KeeperEndpoint, 'hello'>;

interface HandleEventBase {
  handleId: number;
  plugin: string;
}

/**
 * A Janus event for one handle, whole, switched on `janus` (the Janus frame's own name). Session
 * ids never travel to pages; other fields keep Janus's names, but for `media`, where Janus's
 * `type` is `media` here.
 */
export type HandleEvent =
  /** A plugin event (`plugindata.data`), with the plugin's JSEP offer or answer when it sent one. */
  | HandleEventBase & { janus: 'event'; data: Record<string, unknown>; jsep?: Jsep }
  /** The PeerConnection with Janus is up (ICE and DTLS done). */
  | HandleEventBase & { janus: 'webrtcup' }
  /** Janus started or stopped receiving a medium (`mid` names the m-line). */
  | HandleEventBase & { janus: 'media'; media: 'audio' | 'video' | string; receiving: boolean; mid?: string; substream?: number; seconds?: number }
  /** Packet loss: `uplink` true when Janus is losing what it receives from the page. */
  | HandleEventBase & { janus: 'slowlink'; uplink: boolean; lost: number; media?: string; mid?: string }
  /** The PeerConnection is gone (e.g. `reason: "DTLS alert"` when the page closed it). */
  | HandleEventBase & { janus: 'hangup'; reason: string }
  /** One of Janus's own candidates (full-trickle), or `{ completed: true }`. */
  | HandleEventBase & { janus: 'trickle'; candidate: TrickleCandidate };

/**
 * What a page posts the other way on its event port: `leaving` on `pagehide` (a reload), so that
 * events of the next few ms (Janus's `hangup` of the page's call) are held rather than lost
 * before the keeper learns from the page's Web Lock that it is gone.
 */
export type PageNotice = { type: 'leaving' };

/** A page's answer to the keeper's `token-request`. */
export type TokenAnswer = { token: string } | { error: string; reason: 'threw' | 'invalid' };

/** Events the keeper posts one-way on a tab's event port. */
export type TabEvent =
  | { type: 'state'; state: KeeperState }
  | HandleEvent & { type: 'event' }
  /** Events for this tab that arrived while it had no page (a reload) beyond the keeper's bound. */
  | { type: 'events-dropped'; count: number }
  | { type: 'missed-events'; handleIds: number[]; sessionId: number }
  | { type: 'session-lost'; reason: string; code?: number }
  | { type: 'detached'; handleId: number }
  | { type: 'handle-moved'; handleId: number }
  | { type: 'restore'; handle: HandleInfo; sessionId: number }
  /** The keeper needs a token: the page asks its provider and calls `answerToken(id, ...)`. */
  | { type: 'token-request'; id: number };

declare global {
  // The keeper's API names `MessagePort` (a tab's event port). Node's types have `MessagePort` only
  // as a value, so a Node program without the DOM lib would fail to compile these declarations;
  // this empty interface gives it the type name there and merges with the DOM's where it is loaded.
  // (A line comment: a doc comment here would compete with the DOM's own in the API reference.)
  // eslint-disable-next-line @typescript-eslint/no-empty-interface
  interface MessagePort {}
}
