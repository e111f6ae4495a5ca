import type {
  AttachRequest,
  CreateResult,
  HandleEvent,
  HandleInfo,
  KeeperCalls,
  KeeperMode,
  KeeperState,
  MessageResult,
  PageNotice,
  TabEvent,
  TokenAnswer,
} from '../bridge/api.js';
import { DestroyedError, Emitter, type Jsep, type MessageOptions, type TokenProvider,
  type TrickleCandidate } from '../janus/index.js';
import { checkToken } from '../janus/credentials/token.js';
import type { EventPort } from './local-port.js';

type EventOf<T extends TabEvent['type']> = Omit<Extract<TabEvent, { type: T }>, 'type'>;

/** The events a page's {@link KeeperClient} emits (`keeper.on(name, listener)`). */
export interface KeeperClientEvents {
  /** The keeper's state changed (a new listener gets the current one at once). */
  state: KeeperState;
  /** A Janus event for a handle this tab owns, whole; switch on `janus`. */
  event: HandleEvent;
  /** This tab was away (a reload) and more events came than the keeper holds: `count` were lost. */
  'events-dropped': EventOf<'events-dropped'>;
  /** After a claim: Janus does not replay what happened while no link owned the session. */
  'missed-events': EventOf<'missed-events'>;
  /** The session is gone (expired, refused claim, destroyed); its handles with it. */
  'session-lost': EventOf<'session-lost'>;
  /** Janus detached one of this tab's handles. */
  detached: EventOf<'detached'>;
  /** Another tab took one of this tab's handles (`attach(plugin, { handleId, take: true })`). */
  'handle-moved': EventOf<'handle-moved'>;
  /** With `autoRecreate`: a handle of the lost session, to attach again on the new one. */
  restore: EventOf<'restore'>;
}

/**
 * The page's view of the keeper: the worker's calls (the link, SharedWorker or relay, gives each a
 * deadline: a call whose worker died would never settle), and the keeper's events on an EventTarget.
 */
export class KeeperClient extends Emitter<KeeperClientEvents> {
  #state: KeeperState;
  #closed = false;

  constructor(
    private readonly endpoint: KeeperCalls,
    private readonly events: EventPort,
    initial: KeeperState,
    private readonly release: () => void,
    private readonly modeOf: () => KeeperMode,
    /** The page's token provider, which the keeper asks through this client (`token-request`). */
    private readonly tokenProvider?: TokenProvider,
  ) {
    super();
    this.#state = this.#stamp(initial);
    events.onmessage = (message: MessageEvent<TabEvent>) => this.#receive(message.data);
    globalThis.addEventListener?.('pagehide', this.#onPageHide);
  }

  /**
   * A page that goes (a reload) says so at once: its tab's events are then held for its return,
   * even those that come before the keeper gets the page's Web Lock (Janus's hangup, ~20 ms).
   */
  readonly #onPageHide = (event: Event) => {
    if (!(event as PageTransitionEvent).persisted) this.events.postMessage({ type: 'leaving' } satisfies PageNotice);
  };

  /** Where the keeper runs for this page: `shared-worker`, or this tab `leader`s, or it is a `follower`. */
  get mode(): KeeperMode {
    return this.modeOf();
  }

  /**
   * The last state the keeper reported (on `connect`, each `state` event, each `state()` call). Its
   * `handles` do not change when this tab's own `attach` or `detach` settles: the handle `attach`
   * gave is the one to use, and `state()` asks the keeper for the list.
   */
  get currentState(): KeeperState {
    return this.#state;
  }

  override on<K extends keyof KeeperClientEvents & string>(type: K, listener: (detail: KeeperClientEvents[K]) => void): () => void {
    const off = super.on(type, listener);
    if (type === 'state') queueMicrotask(() => (listener as (state: KeeperState) => void)(this.#state));
    return off;
  }

  /** With `autoRecreate`: `hook` runs for each handle the lost session had, to re-attach it. */
  onRestore(hook: (handle: HandleInfo, sessionId: number) => void | Promise<void>): () => void {
    return this.on('restore', ({ handle, sessionId }) => void Promise.resolve(hook(handle, sessionId)).catch(() => {}));
  }

  /**
   * The session the keeper holds, else claims or creates one. When the last state the keeper sent
   * says it is ready (a reload with the worker alive), that answer needs no round trip at all.
   */
  create(sessionId?: number): Promise<CreateResult> {
    const { state, sessionId: live } = this.#state;
    if (!this.#closed && state === 'ready' && live !== undefined && (sessionId === undefined || sessionId === live)) {
      return Promise.resolve({ sessionId: live, reclaimed: false });
    }
    return this.#call('create', () => this.endpoint.create(sessionId));
  }

  attach(plugin: string, options?: AttachRequest): Promise<HandleInfo> {
    return this.#call('attach', () => this.endpoint.attach(plugin, options));
  }

  /**
   * Resolves with how Janus answered (`answer`): a synchronous `success` or the `event` after the
   * ack; with `{ awaitEvent: false }` at the ack, the event then comes as `event`, in Janus's order.
   * A plugin's error rejects as `PluginError` (its `data` whole), a core one as `JanusError`.
   */
  message(handleId: number, body: Record<string, unknown>, jsep?: Jsep, options?: MessageOptions): Promise<MessageResult> {
    return this.#call('message', () => this.endpoint.message(handleId, body, jsep, options));
  }

  /** Janus's `info` (janus.js `getInfo`), asked on the keeper's link. */
  info(): Promise<Record<string, unknown>> {
    return this.#call('info', () => this.endpoint.info());
  }

  trickle(handleId: number, candidate: TrickleCandidate | TrickleCandidate[] | null): Promise<void> {
    return this.#call('trickle', () => this.endpoint.trickle(handleId, candidate));
  }

  hangup(handleId: number): Promise<void> {
    return this.#call('hangup', () => this.endpoint.hangup(handleId));
  }

  detach(handleId: number): Promise<void> {
    return this.#call('detach', () => this.endpoint.detach(handleId));
  }

  async state(): Promise<KeeperState> {
    this.#state = this.#stamp(await this.#call('state', () => this.endpoint.state()));
    return this.#state;
  }

  destroy(): Promise<void> {
    return this.#call('destroy', () => this.endpoint.destroy());
  }

  /**
   * Replaces the token for every tab of this keeper (`null`: none), e.g. one the app's backend
   * pushed. After a token failure, the keeper's waiting claim or create runs now with it.
   */
  setToken(token: string | null): Promise<void> {
    if (token !== null) checkToken(token); // typed error before anything crosses
    return this.#call('setToken', () => this.endpoint.setToken(token));
  }

  /** Tells the keeper the network is back, so it retries at once. */
  online(): Promise<void> {
    return this.#call('online', () => this.endpoint.online());
  }

  /** Leaves the keeper: this tab's handles are detached at once. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    globalThis.removeEventListener?.('pagehide', this.#onPageHide);
    try {
      await this.#call('goodbye', () => this.endpoint.goodbye());
    } finally {
      this.events.close();
      this.release();
    }
  }

  #call<T>(what: string, call: () => Promise<T>): Promise<T> {
    // The same answer in both modes, before anything crosses (the port may be gone already).
    if (this.#closed && what !== 'goodbye') {
      return Promise.reject(new DestroyedError(`${what}: this page closed its connection to the keeper (connect again)`));
    }
    return call(); // the link gives every call its deadline (one timer per link)
  }

  /** The keeper asked for a token: the page's provider's answer, or why it gave none (never its error's text). */
  async #answerToken(id: number): Promise<void> {
    let answer: TokenAnswer;
    try {
      if (!this.tokenProvider) throw new TypeError('no token provider');
      const token: unknown = await this.tokenProvider();
      answer = typeof token === 'string' && token !== '' ? { token } : { error: 'not a non-empty string', reason: 'invalid' };
    } catch {
      answer = { error: 'the token provider failed', reason: 'threw' };
    }
    if (!this.#closed) await this.endpoint.answerToken(id, answer).catch(() => {});
  }

  #stamp(state: KeeperState): KeeperState {
    // The worker's start comes with a hello's state: every later one carries it on.
    return { workerStart: this.#state?.workerStart, ...state, mode: this.modeOf() };
  }

  #receive(event: TabEvent): void {
    switch (event.type) {
      case 'state':
        this.#state = this.#stamp(event.state);
        this.emit('state', this.#state);
        break;
      case 'event':
      case 'events-dropped':
      case 'missed-events':
      case 'session-lost':
      case 'detached':
      case 'handle-moved':
      case 'restore': {
        const { type, ...detail } = event;
        this.emit(type, detail as never);
        break;
      }
      case 'token-request':
        void this.#answerToken(event.id);
        break;
    }
  }
}
