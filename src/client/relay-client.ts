// A page's side of the BroadcastChannel relay (no SharedWorker): the keeper's calls, addressed to
// the current leader, and its events, delivered on a local port as the SharedWorker delivers them.
import type { KeeperCalls, KeeperState, TabEvent, TabHello } from '../bridge/api.js';
import { asRelayMessage, LeaderGoneError, relayedError, RETRYABLE_METHODS, type RelayMessage, type RelayMethod,
  type RelayRequest } from '../bridge/relay.js';
import { TimeoutError } from '../janus/index.js';
import { DeadlineQueue } from './deadline.js';
import { ReconnectView } from './worker-watch.js';

interface PendingCall {
  method: RelayMethod;
  args: unknown[];
  resolve(value: unknown): void;
  reject(error: Error): void;
  /** The leader it went to; undefined while it waits for a leader. */
  sentTo: string | undefined;
  retried: boolean;
}

/** The relay as `KeeperClient` uses it: `KeeperCalls` plus `hello`; events on `events`. */
export class RelayClient implements KeeperCalls {
  readonly pageId = crypto.randomUUID();
  readonly #ports = new MessageChannel();
  readonly #pending = new Map<number, PendingCall>();
  /** Every call's deadline, on one timer (calls by id). */
  readonly #deadlines: DeadlineQueue<number>;
  #nextId = 1;
  #leaderId: string | undefined;
  #hello: TabHello | undefined;
  #lastSessionId: number | undefined;
  #closed = false;
  /** This page had said hello to a leader that went away. */
  #rejoinNeeded = false;
  #rejoining = false;
  #rejoins = 0;
  readonly #view = new ReconnectView();
  /** Runs with each hello answer (the first and every one to a new leader). */
  onJoined: (state: KeeperState) => void = () => {};
  /** The lock the current leader's Worker holds for this page while it lives. */
  #workerLock: string | undefined;

  constructor(
    private readonly channel: BroadcastChannel,
    private readonly callTimeoutMs: number,
  ) {
    this.#deadlines = new DeadlineQueue<number>(callTimeoutMs, (id) => {
      const call = this.#pending.get(id);
      if (call) this.#settle(id, () => call.reject(new TimeoutError(
        `${call.method}: no keeper leader answered within ${callTimeoutMs} ms`, callTimeoutMs)));
    });
    channel.onmessage = (event) => {
      const message = asRelayMessage(event.data);
      if (message) this.#receive(message);
    };
    this.#post({ kind: 'who', from: this.pageId });
  }

  /** The keeper's events for this page (a port, as the SharedWorker gives them). */
  get events(): MessagePort {
    return this.#ports.port1;
  }

  async hello(hello: TabHello): Promise<KeeperState> {
    const state = await this.#call<KeeperState>('hello', [hello]);
    this.#hello = hello;
    this.#lastSessionId = state.sessionId;
    this.#view.filter({ type: 'state', state }); // the client has it as its first state
    this.#joined(state);
    return state;
  }

  create(...args: Parameters<KeeperCalls['create']>) { return this.#call<Awaited<ReturnType<KeeperCalls['create']>>>('create', args); }
  attach(...args: Parameters<KeeperCalls['attach']>) { return this.#call<Awaited<ReturnType<KeeperCalls['attach']>>>('attach', args); }
  message(...args: Parameters<KeeperCalls['message']>) { return this.#call<Awaited<ReturnType<KeeperCalls['message']>>>('message', args); }
  trickle(...args: Parameters<KeeperCalls['trickle']>) { return this.#call<void>('trickle', args); }
  hangup(...args: Parameters<KeeperCalls['hangup']>) { return this.#call<void>('hangup', args); }
  detach(...args: Parameters<KeeperCalls['detach']>) { return this.#call<void>('detach', args); }
  state() { return this.#call<KeeperState>('state', []); }
  info() { return this.#call<Record<string, unknown>>('info', []); }
  online() { return this.#call<void>('online', []); }
  setToken(...args: Parameters<KeeperCalls['setToken']>) { return this.#call<void>('setToken', args); }
  answerToken(...args: Parameters<KeeperCalls['answerToken']>) { return this.#call<void>('answerToken', args); }
  destroy() { return this.#call<void>('destroy', []); }
  /** The page leaves: the lock its leader's Worker held for it goes as it answers, which is no news. */
  goodbye() {
    this.#workerLock = undefined;
    return this.#call<void>('goodbye', []);
  }

  /** Stops listening; calls still pending are rejected. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.channel.close();
    this.#ports.port2.close();
    for (const [id, call] of this.#pending) this.#settle(id, () => call.reject(new LeaderGoneError('the relay was closed')));
    this.#deadlines.clear();
  }

  #call<T>(method: RelayMethod, args: unknown[]): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.#closed) {
        reject(new LeaderGoneError('the relay was closed'));
        return;
      }
      const id = this.#nextId++;
      this.#deadlines.add(id);
      this.#pending.set(id, { method, args, resolve: resolve as (value: unknown) => void, reject,
        sentTo: undefined, retried: false });
      this.#send(id);
    });
  }

  #send(id: number): void {
    const call = this.#pending.get(id);
    if (!call || this.#leaderId === undefined) return;
    // While this page rejoins a new leader, only its hello and claim go out: the calls that waited
    // follow on the claimed session.
    if (this.#rejoining && call.method !== 'hello' && call.method !== 'create') return;
    call.sentTo = this.#leaderId;
    this.#post({ kind: 'call', from: this.pageId, to: this.#leaderId, id, method: call.method, args: call.args });
  }

  #settle(id: number, settle: () => void): void {
    const call = this.#pending.get(id);
    if (!call) return;
    this.#deadlines.delete(id);
    this.#pending.delete(id);
    settle();
  }

  #receive(message: RelayMessage): void {
    switch (message.kind) {
      case 'leader':
        if (message.leaderId !== this.#leaderId) this.#follow(message.leaderId);
        break;
      case 'result':
      case 'error': {
        const call = message.to === this.pageId ? this.#pending.get(message.id) : undefined;
        if (!call || call.sentTo !== message.leaderId) return;
        if (message.kind === 'result') this.#settle(message.id, () => call.resolve(message.value));
        else this.#settle(message.id, () => call.reject(relayedError(message.error)));
        break;
      }
      case 'event':
        if (message.to !== this.pageId || message.leaderId !== this.#leaderId) return;
        this.#deliver(message.event);
        break;
    }
  }

  /**
   * The leader this page talked to is gone (this tab just took the leader lock, so it knows):
   * calls in flight to it are sent again to the next leader when that is safe (once), else
   * rejected with `LeaderGoneError`; new calls wait for the next leader.
   */
  leaderGone(): void {
    if (this.#leaderId === undefined) return;
    this.#leaderId = undefined;
    this.#rejoinNeeded = this.#hello !== undefined;
    const shown = this.#rejoinNeeded ? this.#view.begin() : undefined;
    if (shown && !this.#closed) this.#ports.port2.postMessage(shown);
    for (const [id, call] of this.#pending) {
      if (call.sentTo === undefined) continue;
      if (RETRYABLE_METHODS.has(call.method) && !call.retried) {
        call.retried = true;
        call.sentTo = undefined;
      } else {
        this.#settle(id, () => call.reject(new LeaderGoneError(
          `${call.method}: the keeper's leader tab went away during the call; its outcome is unknown`)));
      }
    }
  }

  /** A (new) leader announced itself: say hello to it again, then send what waited. */
  #follow(leaderId: string): void {
    this.leaderGone();
    this.#leaderId = leaderId;
    if (this.#rejoinNeeded && this.#hello) void this.#rejoin(this.#hello);
    this.#rejoinNeeded = false;
    for (const [id, call] of this.#pending) if (call.sentTo === undefined) this.#send(id);
  }

  async #rejoin(hello: TabHello): Promise<void> {
    const hadSession = this.#lastSessionId !== undefined;
    const rejoin = ++this.#rejoins;
    this.#rejoining = true;
    try {
      const state = await this.#call<KeeperState>('hello', [hello]);
      this.#joined(state);
      this.#deliver({ type: 'state', state });
      // The new leader's keeper starts empty: claim the stored session at once (every tab asks,
      // the keeper makes one claim), so Janus's reclaim window is never the limit.
      if (hadSession && state.sessionId === undefined) await this.#call('create', []);
    } catch {
      // Reported through state events, or the next call's error.
    } finally {
      if (rejoin === this.#rejoins) {
        this.#rejoining = false;
        for (const [id, call] of this.#pending) if (call.sentTo === undefined) this.#send(id);
      }
    }
  }

  /** The Worker that held `workerLock` died; ignored when this page already follows a newer one. */
  workerGone(workerLock: string): void {
    if (workerLock === this.#workerLock) this.leaderGone();
  }

  #joined(state: KeeperState): void {
    if (state.workerLock === undefined) return; // a hello said twice answers without it
    this.#workerLock = state.workerLock;
    this.onJoined(state);
  }

  #deliver(event: TabEvent): void {
    if (this.#closed) return;
    for (const shown of this.#view.filter(event)) {
      if (shown.type === 'state') this.#lastSessionId = shown.state.sessionId;
      this.#ports.port2.postMessage(shown);
    }
  }

  #post(message: RelayRequest): void {
    if (!this.#closed) this.channel.postMessage(message);
  }
}
