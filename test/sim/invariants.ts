// What must hold after every step of a simulated run, whatever the interleaving. Each check says
// why it must hold; each is written so that a correct keeper cannot trip it (a false alarm is
// worse than a missed bug): time bounds are counted in awake time and only once no timer is overdue.
import type { AttachRequest, HandleInfo, KeeperState, TabEvent } from '../../src/bridge/api.js';
import type { JanusMessage } from '../../src/janus/index.js';
import type { SimSocket } from './fake-websocket.js';
import { JanusInvariants } from './janus-invariants.js';
import { RestoreOwed } from './restore-owed.js';
import type { Call, FakePort, SimTab, World } from './world.js';

/** The attempt limit may hold one attempt back for up to a minute. */
const ATTEMPT_LIMIT_WAIT_MS = 60_000;

export class Invariants {
  readonly violations: string[] = [];
  /** What Janus holds against what the tabs hold (ghost sessions, deaf tabs, leaked handles). */
  readonly janus: JanusInvariants;
  /** Invariants not checked in this run (to see what else an old keeper breaks). */
  ignore = new Set<string>();
  /** Sessions the keeper gave up by its clock while Janus still had them (allowed; counted). */
  earlyGiveUps = 0;
  /** The session the keeper published and has not reported lost. */
  #held: number | undefined;
  /** A session the keeper claimed without publishing it (a stored record): it may report it lost. */
  #claimed: number | undefined;
  readonly #reported = new Set<number>();
  /** Of those, the ones reported while published (a tab was told of them). */
  readonly #reportedHeld = new Set<number>();
  /** A claim went out for a session already reported lost. */
  #reclaimedReported = false;
  #destroying = 0;
  /** autoRecreate: handles whose session was lost, each owed a `restore` (see restore-owed.ts). */
  readonly #restoreOwed: RestoreOwed;
  #lastTabCall = 0;
  /** Set once a destroy() resolved; cleared by the next tab call. */
  #quietAfterDestroy = false;
  #zeroPagesSince: number;
  #state: { name: string; since: number } = { name: 'idle', since: 0 };
  #pastRetry: { at: number | undefined; since: number } | undefined;
  #after403 = false;
  #providerLooped = false;
  /** The newest token the keeper was given (a 403 for an older one is no reason to stop). */
  #latestToken: string | undefined;
  /** Links opened before the quiet began: an older step's connect may still finish on one. */
  #linksBeforeQuiet = 0;
  readonly #lateCalls = new Set<number>();
  /** Handles moved with `take`, waiting for their `handle-moved` event: handle -> previous owner. */
  readonly #moves = new Map<number, string>();
  readonly #toldMoved = new Set<number>();
  /** When a frame about each session last reached the keeper (epoch ms). */
  readonly #lastAnswer = new Map<number, number>();
  #acks = 0;
  #lastInfoAnswer = -Infinity;
  /** Sessions whose destroy the keeper sent. */
  readonly #destroySent = new Set<number>();

  constructor(private readonly world: World) {
    this.#zeroPagesSince = world.awake;
    this.#state.since = world.awake;
    const { net, store } = world;
    this.janus = new JanusInvariants(world, (invariant, detail) => this.#fail(invariant, detail));
    this.#restoreOwed = new RestoreOwed(world, (invariant, detail) => this.#fail(invariant, detail));
    this.#watch();
    net.observer = {
      sent: (socket, request) => {
        this.#sent(socket, request);
        this.janus.sent(request);
      },
      received: (socket, frame, delayMs) => {
        this.#received(socket, frame);
        this.janus.received(socket, frame, delayMs);
      },
      arrived: (_socket, request, delayMs) => this.janus.arrived(request, delayMs),
      closed: () => this.janus.linkFailed(),
    };
    // A loaded record's handles may be adopted: its session becomes one the keeper may report lost.
    store.onLoad = (record) => {
      if (!this.#reportedHeld.has(record.sessionId)) this.#claimed ??= record.sessionId;
    };
    store.onWrite = (record) => {
      // After destroy() the record is gone; a write now would make the next worker claim a dead session.
      if (record && this.#quietAfterDestroy) this.#fail('revived-after-destroy', 'the session record was saved after destroy()');
      // savedAt is when Janus last answered: a new worker judges the reclaim window by it, so a later
      // time (the write's) would make it claim a session Janus has already dropped.
      // (A session starts counting once its create or claim and the info beside it were answered.)
      // (A lost session's handles awaiting their restore: its savedAt is when the loss was stored.)
      if (record?.awaitingRestore) return;
      const last = record && this.#lastAnswer.get(record.sessionId);
      const answered = last === undefined ? undefined : Math.max(last, this.#lastInfoAnswer);
      if (record && (answered === undefined || record.savedAt > answered)) {
        this.#fail('saved-at', `savedAt is ${answered === undefined ? 'set with no answer' : `${record.savedAt - answered} ms after Janus last answered`}`);
      }
    };
  }

  /** The keeper's own events, judged while it is the running one. */
  #watch(): void {
    const { world } = this;
    const keeper = world.keeper;
    const live = (listener: () => void) => () => keeper === world.keeper && listener();
    keeper.on('state', (state) => keeper === world.keeper && this.#onState(state));
    keeper.on('session-lost', (event) => keeper === world.keeper && this.#onLost(event));
    keeper.on('session-lost', live(() => world.handles.clear()));
    for (const type of ['restore', 'missed-events'] as const) {
      keeper.on(type, live(() => {
        world.log(`keeper: ${type}`);
        if (this.#quietAfterDestroy) this.#fail('revived-after-destroy', `a ${type} event after destroy()`);
      }));
    }
    this.janus.watch(keeper);
  }

  /**
   * A new keeper worker took over: it publishes afresh (the tabs learn its state from it), and the
   * stored session is one it may claim and report lost.
   */
  workerRestarted(): void {
    this.#held = undefined;
    this.#claimed = this.world.store.current?.sessionId;
    this.#state = { name: 'idle', since: this.world.awake };
    this.#quietAfterDestroy = false;
    this.janus.workerRestarted();
    this.#watch();
  }

  unhandled(reason: unknown): void {
    // The keeper settles every promise it makes; an unhandled rejection is a lost error.
    this.#fail('unhandled-rejection', reason instanceof Error ? `${reason.name}: ${reason.message}` : String(reason));
  }

  pagesChanged(): void {
    if (this.world.pageCount === 0) this.#zeroPagesSince = this.world.awake;
  }

  destroyStarted(): void {
    this.#destroying++;
    this.#restoreOwed.clear();
    this.janus.destroyStarted();
  }

  /** A new token came (`setToken`): the keeper may try again on its own, with it. */
  tokenSet(token: string): void {
    this.#after403 = false;
    this.#latestToken = token;
  }

  callStarted(call: Call): void {
    if (call.what === 'destroy()') return;
    this.#lastTabCall = call.id;
    // A tab asking again may create a session again: the quiet after destroy() ends here.
    this.#quietAfterDestroy = false;
    this.#after403 = false;
  }

  callSettled(call: Call, _value: unknown, error: unknown): void {
    if (call.what !== 'destroy()') return;
    this.#destroying--;
    // Quiet once every destroy() settled, if no tab asked for a session since this one began.
    if (error === undefined && this.#destroying === 0 && this.#lastTabCall < call.id) {
      this.#quietAfterDestroy = true;
      this.#linksBeforeQuiet = this.world.net.sockets.length;
    }
  }

  /** `holder`: the tab that listed the handle when the call started. */
  attached(tab: string, plugin: string, request: AttachRequest & { take?: boolean }, info: HandleInfo,
    owner: { tab: string; epoch: number } | undefined): void {
    // Judged only while the holder is still there (never gone since): a gone tab's handles are the
    // keeper's to let go (and an id it no longer knows, it can only take on the tab's word).
    if (request.handleId === undefined || owner === undefined) return;
    const holder = owner.tab;
    const present = this.world.tab(holder);
    if (!this.world.options.standalone && (!present.page || present.epoch !== owner.epoch)) return;
    // A handle keeps its plugin: naming one of another plugin must be refused, not adopted.
    if (info.plugin !== plugin) this.#fail('handle-plugin', `attach(${plugin}) adopted a ${info.plugin} handle`);
    if (holder === tab) return;
    // A handle belongs to one tab; it moves only when the new tab says so (take) and the old one is told.
    if (!request.take) this.#fail('handle-stolen', `${tab} took ${holder}'s handle ${request.handleId} without take`);
    else if (this.world.tab(holder).page) this.#moves.set(request.handleId, holder);
  }

  posted(tab: SimTab, port: FakePort, event: TabEvent): void {
    // A page that left has its port closed; posting on it means the keeper still holds a dead page.
    if (port.closed) this.#fail('post-after-close', `${tab.id}: ${event.type} posted on a closed port`);
    this.janus.posted(tab.id, event);
    if (event.type === 'handle-moved' as string) this.#toldMoved.add((event as unknown as { handleId: number }).handleId);
    if (event.type === 'restore') this.#restoreOwed.restored(event.handle.handleId);
  }

  /** The checks that look at the whole state; run after every step, once it settled. */
  async check(): Promise<void> {
    const { world } = this;
    const { keeper, clock, options } = world;
    const snapshot = keeper.snapshot();
    this.#restoreOwed.check(snapshot.state === 'ready' && this.#destroying === 0);
    const settledTime = !clock.overdue;
    const awake = world.awake;
    const R = options.requestTimeoutMs;

    // Never `ready` without an open link that carries the session: a ready keeper whose link is
    // gone (and who was told) makes every call fail while it claims all is well (bug 1).
    // (HTTP has no link to be open: a failed long-poll closes the transport, and the rest holds.)
    if (snapshot.state === 'ready' && options.transport === 'ws') {
      const id = snapshot.sessionId;
      const links = world.net.usable().filter((socket) => id !== undefined && socket.sessions.has(id));
      if (links.length === 0) {
        this.#fail('ready-without-link', 'state ready, but no open link carries its session');
      } else if (settledTime && links.every((socket) => socket.blackholed
        && awake - Math.max(socket.blackholedAt, this.#state.since) > options.keepAliveMs + options.keepAliveTimeoutMs)) {
        // A silent link shows at the next keepalive: one period (from the last answer, or from the
        // session's start, which is before it became ready) plus its answer's deadline.
        this.#fail('ready-without-link', 'state ready on a link that has answered nothing for a keepalive period and its deadline');
      }
    }

    if (settledTime) {
      // Every call ends: its own deadline, plus the waits the keeper documents (the attempt limit,
      // a claim then a create, a reconnection in between).
      const bound = 2 * ATTEMPT_LIMIT_WAIT_MS + 8 * R + 10_000;
      for (const call of world.calls) {
        if (call.settled || this.#lateCalls.has(call.id) || awake - call.startedAwake <= bound) continue;
        this.#lateCalls.add(call.id);
        this.#fail('call-deadline', `call ${call.id} ${call.what} unsettled after ${awake - call.startedAwake} ms`);
      }
      // Never stuck: a retry time in the past must be acted on (bug 3: reconnecting forever).
      if (snapshot.state === 'reconnecting' && (snapshot.nextRetryAt ?? -Infinity) < clock.now()) {
        const past = this.#pastRetry;
        if (past?.at !== snapshot.nextRetryAt || !past) this.#pastRetry = { at: snapshot.nextRetryAt, since: awake };
        else if (awake - past.since > ATTEMPT_LIMIT_WAIT_MS + 4 * R) {
          this.#fail('stuck-reconnecting', `reconnecting with nextRetryAt ${awake - past.since} ms in the past`);
          past.since = Infinity;
        }
      } else {
        this.#pastRetry = undefined;
      }
      // `connecting` is one create or claim: it ends within its deadlines (bug 2: a store that cannot load).
      if (snapshot.state === 'connecting' && awake - this.#state.since > bound) {
        this.#fail('stuck-connecting', `connecting for ${awake - this.#state.since} ms`);
        this.#state.since = Infinity;
      }
      if (this.#moves.size > 0) {
        for (const [handleId, from] of this.#moves) {
          if (!this.#toldMoved.has(handleId)) this.#fail('handle-moved-untold', `${from} was not told that handle ${handleId} moved`);
        }
        this.#moves.clear();
        this.#toldMoved.clear();
      }
    }

    // The keepalive count is of answered keepalives (README: the event fires on the ack).
    if (snapshot.stats.keepalives > this.#acks) {
      this.#fail('keepalive-count', `${snapshot.stats.keepalives} keepalives counted, ${this.#acks} answered`);
      this.#acks = Infinity;
    }

    // A handle is owned by exactly one tab: never listed for two at once. (Who owns it may change
    // without a call: a stored record names its owner. Moves by attach are judged in attached().)
    const listed = new Map<number, string>();
    for (const tab of world.tabs.values()) {
      for (const { handleId } of keeper.snapshot(tab.id).handles) {
        const other = listed.get(handleId);
        if (other !== undefined) this.#fail('handle-two-owners', `handle ${handleId} is listed for ${other} and ${tab.id}`);
        listed.set(handleId, tab.id);
      }
    }
    // No loop on the provider: a renewal per token life (at least 1 s apart), one per attempt, per
    // revocation and per token set by hand, and a few more; never one per request or keepalive.
    const { provider } = world;
    if (world.options.tokenLifeMs !== undefined && !this.#providerLooped) {
      const life = world.options.tokenLifeMs;
      const renewEvery = Math.max(1_000, Math.min(0.75 * life, life - 5_000));
      const bound = 10 + 2 * (provider.rotations + provider.sets) + Math.ceil(awake / renewEvery) * (world.restarts + 1)
        + snapshot.stats.connections;
      if (provider.calls > bound) {
        this.#providerLooped = true;
        this.#fail('provider-loop', `${provider.calls} provider calls in ${awake} ms (bound ${bound})`);
      }
    }
    this.janus.check(settledTime);
  }

  #onState(state: KeeperState): void {
    const { world } = this;
    if (state.state !== this.#state.name) {
      this.#state = { name: state.state, since: world.awake };
      world.log(`keeper: ${state.state}${state.cause ? ` (${state.cause})` : ''}`);
    }
    if (state.state === 'ready' && world.pageCount === 0) this.#zeroPagesSince = world.awake;
    // After destroy() the keeper stays idle with no session until a tab asks again.
    if (this.#quietAfterDestroy && (state.state !== 'idle' || state.sessionId !== undefined)) {
      this.#fail('revived-after-destroy', `published ${state.state}${state.sessionId !== undefined ? ' with a session' : ''} after destroy()`);
    }
    const id = state.sessionId;
    if (id === undefined) return;
    // One session at a time, never swapped silently: tabs hold handles of the one they were told of.
    if (this.#held !== undefined && this.#held !== id) this.#fail('silent-swap', 'a new session was published without session-lost for the old one');
    this.#held = id;
  }

  #onLost(event: { reason: string; code?: number }): void {
    this.world.log(`keeper: session-lost (${event.reason}${event.code ? `, ${event.code}` : ''})`);
    if (this.world.options.autoRecreate && this.#destroying === 0) this.#restoreOwed.lost();
    // Every loss is reported once: a second report (or one with no session) makes tabs drop handles twice.
    if (this.#held === undefined && this.#claimed === undefined && this.#destroying === 0) {
      this.#fail('loss-twice', this.#reclaimedReported
        ? 'session-lost again for a session already reported lost (claimed again, e.g. from a record that was not cleared)'
        : 'session-lost with no session to lose');
    }
    if (this.#held !== undefined && this.#destroying === 0 && this.world.model.isAlive(this.#held)) this.earlyGiveUps++;
    for (const id of [this.#held, this.#claimed]) if (id !== undefined) this.#reported.add(id);
    if (this.#held !== undefined) this.#reportedHeld.add(this.#held);
    this.#held = undefined;
    this.#claimed = undefined;
    this.#reclaimedReported = false;
  }

  #sent(socket: SimSocket, request: JanusMessage): void {
    const { world } = this;
    world.log(`link ${socket.linkId}: keeper sends ${request.janus}`);
    if (request.janus === 'destroy' && typeof request.session_id === 'number') this.#destroySent.add(request.session_id);
    if (request.janus === 'create') {
      // Never a second session while the first may live: Janus would keep both, the tabs know one.
      if (this.#held !== undefined && world.model.isAlive(this.#held)) {
        this.#fail('create-while-held', 'create sent while the published session lives on Janus and was not reported lost');
      }
      if (this.#quietAfterDestroy && socket.linkId > this.#linksBeforeQuiet) this.#fail('revived-after-destroy', 'a create after destroy()');
    }
    // A claim (e.g. of a stored record) makes that session one the keeper may report lost.
    if (request.janus === 'claim' && typeof request.session_id === 'number') {
      if (!this.#reported.has(request.session_id)) this.#claimed = request.session_id;
      else this.#reclaimedReported = true;
    }
    // With a provider the keeper asks it for a fresh token and tries again, on the backoff (see `provider-loop`).
    const provider = world.options.tokenLifeMs !== undefined;
    if ((request.janus === 'create' || request.janus === 'claim') && this.#after403 && !provider && !this.#tabCallPending()) {
      // A refused token with no provider is not tried again on the keeper's own: only a new token
      // (setToken, a page's) or a tab's call starts a create or claim.
      this.#fail('403-retried', `${request.janus} sent on the keeper's own after a 403`);
    }
    if (request.janus === 'keepalive') {
      // (A session whose destroy is on its way may still send one: it is being torn down.)
      const tornDown = typeof request.session_id === 'number' && this.#destroySent.has(request.session_id);
      if (this.#quietAfterDestroy && !tornDown) this.#fail('revived-after-destroy', 'a keepalive after destroy()');
      // Worker mode: once the last tab is gone (its grace passed, and the detach of its handles had its
      // deadline), keepalives stop and Janus may expire the session.
      const allowed = world.options.tabGraceMs + world.options.requestTimeoutMs;
      if (!world.options.standalone && !tornDown && world.pageCount === 0 && world.awake - this.#zeroPagesSince > allowed) {
        this.#fail('keepalive-without-tabs', `keepalive ${world.awake - this.#zeroPagesSince} ms after the last page left`);
      }
    }
  }

  #received(socket: SimSocket, frame: JanusMessage): void {
    const asked = typeof frame.transaction === 'string' ? socket.requests.get(frame.transaction) : undefined;
    // Any frame on a link that carries the session is Janus answering (the info answer after a create too).
    const now = this.world.clock.now();
    if (frame.janus === 'success' && asked?.janus === 'create' && typeof frame.data?.id === 'number') this.#lastAnswer.set(frame.data.id, now);
    for (const request of socket.requests.values()) {
      if (typeof request.session_id === 'number') this.#lastAnswer.set(request.session_id, now);
    }
    for (const id of socket.sessions) this.#lastAnswer.set(id, now);
    if (frame.janus === 'ack' && asked?.janus === 'keepalive') this.#acks++;
    if (asked?.janus === 'info') this.#lastInfoAnswer = now;
    const latest = this.#latestToken ?? this.world.options.token;
    if (frame.janus === 'error' && frame.error?.code === 403 && (asked?.janus === 'create' || asked?.janus === 'claim')
      && asked['token'] === latest) {
      this.#after403 = true;
    }
  }

  #tabCallPending(): boolean {
    return this.world.calls.some((call) => !call.settled && call.what !== 'destroy()');
  }

  #fail(invariant: string, detail: string): void {
    if (this.ignore.has(invariant)) return;
    const line = `${invariant}: ${detail} (step ${this.world.step})`;
    this.violations.push(line);
    this.world.log(`VIOLATION ${line}`);
  }
}
