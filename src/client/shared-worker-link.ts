// The page's link to the keeper's SharedWorker, kept across the worker's death: the worker holds
// a Web Lock for the page while it lives, and when the page gets it the worker is gone (closed
// by the browser, crashed, restarted by WebKit). The link then opens the worker again under the
// same name and URL, says hello again with the same tab, and the new keeper claims the stored
// session. Calls in flight settle: safe ones are sent again, the others reject with `TransportError`.
// Calls are Comlink calls on the SharedWorker's port (the worker's side: bridge/port-calls.ts);
// each has its deadline here, since a Comlink call whose worker died never settles.
import { transfer, wrap } from 'comlink';
import type { KeeperCalls, KeeperEndpoint, KeeperState, TabEvent, TabHello } from '../bridge/api.js';
import { receiveErrors } from '../bridge/comlink-errors.js';
import { CALL_METHODS, type CallMethod } from '../bridge/port-calls.js';
import { VERSION, VersionMismatchError } from '../bridge/version.js';
import { DestroyedError, TimeoutError, TransportError } from '../janus/index.js';
import { DeadlineQueue, withDeadline } from './deadline.js';
import { LocalEventPort, type EventPort } from './local-port.js';
import { watchWorkerLoad, WorkerLoadError } from './worker-load.js';
import { ReconnectView, watchWorkerLock } from './worker-watch.js';

export interface SharedWorkerLinkOptions {
  workerUrl: string | URL;
  name: string;
  extendedLifetime: boolean;
  hello: TabHello;
  callTimeoutMs: number;
  /** Settles once the page holds the lock its hello names (the worker starts meanwhile). */
  lockHeld?: Promise<unknown>;
}

type RemoteCall = (...args: unknown[]) => Promise<unknown>;

interface Connection {
  /** The method proxies of the keeper's Comlink proxy on the SharedWorker's port, made once per connection. */
  calls: Record<CallMethod, RemoteCall>;
  /** The tab's event port: the keeper's events come in on it, the page's notices go out. */
  port: MessagePort;
  release(): void;
}

/** A call of the app's, across reconnections: settled by the answer on the connection it went out on. */
interface Call {
  readonly method: CallMethod;
  readonly args: unknown[];
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
  /** The connection it went out on; undefined while it waits for one. */
  sentOn: Connection | undefined;
  retried: boolean;
}

/** Calls whose effect is the same when sent twice (the keeper joins a create in flight). */
const SAFE_AGAIN = new Set<keyof KeeperCalls>(['create', 'state', 'online', 'info']);
/** A new worker may still be the dying one's name for a moment: its hello gets a short deadline. */
const REHELLO_TIMEOUT_MS = 3_000;
const RESTORED_CAUSE = 'back from the back/forward cache'; // the cause docs/lifecycle.md names
/**
 * Before each attempt. Not the first at once: Firefox (ESR 153) hands a `new SharedWorker` made in
 * the first few ms after the old worker's lock came free to that closing worker, which never answers
 * (3 s lost); 20 ms later it starts a new one. A shorter hello deadline is no cure: a worker left
 * while it starts stays a closing one that every later attempt reaches.
 */
const RETRY_DELAYS_MS = [25, 250, 500, 1_000, 2_000, 4_000];

export function checkWorkerVersion(state: KeeperState): KeeperState {
  if (state.version !== VERSION) throw new VersionMismatchError(VERSION, state.version);
  return state;
}

/** The keeper's calls but `goodbye`: each one `#call(method, args)`, made on the prototype (see `static`). */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export interface SharedWorkerLink extends Omit<KeeperCalls, 'goodbye'> {}

// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class SharedWorkerLink implements KeeperCalls {
  static {
    // One loop instead of twelve alike methods: the page's bundle is on a byte budget.
    for (const method of CALL_METHODS) {
      if (method === 'goodbye') continue;
      (SharedWorkerLink.prototype as unknown as Record<CallMethod, unknown>)[method] = function call(this: SharedWorkerLink, ...args: unknown[]) {
        return this.#call(method, args);
      };
    }
  }

  // What the page says back (`leaving` on pagehide) goes to the worker of now.
  readonly #events = new LocalEventPort((notice) => this.#connection?.port.postMessage(notice));
  readonly #view = new ReconnectView();
  readonly #pending = new Set<Call>();
  /** A call that waited out its deadline (for a new worker, or for the answer) is never sent late. */
  readonly #deadlines: DeadlineQueue<Call>;
  /** The worker this page is on; its events are shown. */
  #connection: Connection | undefined;
  /** Calls go out on it (after a reconnection, once its claim has settled). */
  #callsOpen = false;
  #stopWatch: () => void = () => {};
  #lastSessionId: number | undefined;
  #closed = false;
  /** Set when no worker of this version can be had any more (see `#giveUp`). */
  #broken: Error | undefined;
  /** What the page says on each hello (a page back from the back/forward cache has a new lock). */
  #hello: TabHello;
  /** The SharedWorker name now asked for (`options.name`, or a later one after a silent worker). */
  #workerName: string;
  /** Settles once the page holds the lock its next hello names. */
  #lockHeld: Promise<unknown>;

  constructor(private readonly options: SharedWorkerLinkOptions) {
    this.#hello = options.hello;
    this.#workerName = options.name;
    this.#lockHeld = options.lockHeld ?? Promise.resolve();
    receiveErrors(); // the keeper's errors come back with their class
    const ms = options.callTimeoutMs;
    this.#deadlines = new DeadlineQueue<Call>(ms, (call) => this.#finish(call, undefined,
      new TimeoutError(`${call.method}: the keeper did not answer within ${ms} ms`, ms)));
  }

  /** The keeper's events for this page; the same port across reconnections. */
  get events(): EventPort {
    return this.#events;
  }

  /** The first hello: rejects with `WorkerLoadError`, `VersionMismatchError` or `TimeoutError`. */
  async open(): Promise<KeeperState> {
    // A worker of this name that says nothing within the re-hello deadline may be one that closed
    // (Firefox): the next name gets the time left.
    const ms = this.options.callTimeoutMs;
    const first = ms > 2 * REHELLO_TIMEOUT_MS ? REHELLO_TIMEOUT_MS : ms;
    const { connection, state } = await this.#connect(first).catch(async (error: unknown) => {
      if (first === ms || !(error instanceof TimeoutError)) throw error;
      await this.#leaveSilentWorker();
      return this.#connect(ms - first);
    });
    if (this.#closed) {
      connection.release();
      throw new DestroyedError('connect: the page closed its connection to the keeper');
    }
    void this.#adopt(connection, state, false);
    return state;
  }

  /**
   * The page leaves: it stops watching first (the worker lets the page's lock go as it answers).
   * Without a worker (reconnecting) there is no one to tell: the page's lock says it all.
   */
  goodbye() {
    this.#stopWatch();
    return this.#callsOpen ? this.#call<Promise<void>>('goodbye', []) : Promise.resolve();
  }

  /**
   * The page is back from the back/forward cache, with a new page lock (`lockName`, once held). The keeper
   * may have taken it for gone meanwhile (WebKit drops a cached page's Web Locks, so the keeper saw
   * the page's lock come free and closed its port, and the page's watch on the worker's lock went
   * too): the page says hello again on a new port, as after a worker's death, and gets what the
   * keeper held for its tab (else `missed-events`). Calls made meanwhile wait for that hello.
   */
  rejoin(lockName: Promise<string>): void {
    if (this.#closed) return;
    this.#lockHeld = lockName.then((name) => {
      this.#hello = { ...this.#hello, lockName: name };
    });
    if (this.#connection) this.#gone(this.#connection, RESTORED_CAUSE);
    // Else a reconnection is under way: its next hello has the new lock.
  }

  /** Lets the worker go; calls still pending reject with `DestroyedError`. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#stopWatch();
    for (const call of this.#pending) this.#finish(call, undefined, new DestroyedError(`${call.method}: the page closed its connection to the keeper`));
    this.#deadlines.clear();
    this.#connection?.release();
    this.#connection = undefined;
    this.#events.close();
  }

  /**
   * The worker of this name did not answer: the live worker of another name, or the next name (a
   * rare path: its code loads only here; if it cannot load, the next name).
   */
  async #leaveSilentWorker(): Promise<void> {
    const current = this.#workerName;
    this.#workerName = await import('../bridge/worker-name.js')
      .then(({ leaveSilentWorker }) => leaveSilentWorker(this.options.name, current), () => `${current}~`);
  }

  async #connect(timeoutMs: number): Promise<{ connection: Connection; state: KeeperState }> {
    const { workerUrl, extendedLifetime } = this.options;
    const name = this.#workerName;
    // The worker starts (or is found) while the page's lock is granted; the hello waits for the lock,
    // since the keeper watches it from its answer on.
    const worker = new SharedWorker(workerUrl, { name, type: 'module', extendedLifetime } as WorkerOptions);
    const load = watchWorkerLoad(worker, workerUrl);
    const keeper = wrap<KeeperEndpoint>(worker.port); // the keeper's Comlink proxy
    const calls = {} as Record<CallMethod, RemoteCall>;
    for (const method of CALL_METHODS) calls[method] = keeper[method] as unknown as RemoteCall;
    const channel = new MessageChannel();
    const connection: Connection = {
      calls,
      port: channel.port1,
      release: () => {
        // Calls still waiting on it were settled or moved by the link: Comlink's own promises of
        // this port then never settle, and nothing listens to them.
        load.stop();
        channel.port1.close();
        worker.port.close();
      },
    };
    try {
      await this.#lockHeld;
      // hello, a Comlink call like the others, transfers the tab's event port.
      const answer = keeper.hello(this.#hello, transfer(channel.port2, [channel.port2]));
      const state = checkWorkerVersion(await withDeadline(Promise.race([answer, load.failed]), timeoutMs, 'connect'));
      load.stop();
      channel.port1.onmessage = (message: MessageEvent<TabEvent>) => {
        if (this.#connection === connection) this.#post(message.data);
      };
      return { connection, state };
    } catch (error) {
      connection.release();
      throw error;
    }
  }

  async #adopt(connection: Connection, state: KeeperState, again: boolean): Promise<void> {
    const hadSession = this.#lastSessionId !== undefined;
    if (again) this.#post({ type: 'state', state });
    else this.#view.filter({ type: 'state', state }); // the client has it as its first state
    this.#lastSessionId = state.sessionId;
    this.#connection = connection;
    this.#stopWatch = watchWorkerLock(state.workerLock, () => this.#gone(connection));
    if (again && hadSession && state.sessionId === undefined) {
      // The new keeper starts empty: every tab asks it to claim the stored session (it makes one
      // claim), before the calls that waited, so they run on the session they were made for.
      await withDeadline(connection.calls.create(), this.options.callTimeoutMs, 'create').catch(() => {});
    }
    if (this.#closed || this.#connection !== connection) return;
    this.#callsOpen = true;
    for (const call of this.#pending) if (!call.sentOn) this.#send(call);
  }

  #gone(connection: Connection, cause?: string): void {
    if (this.#closed || this.#connection !== connection) return;
    this.#connection = undefined;
    this.#callsOpen = false;
    this.#stopWatch();
    for (const call of this.#pending) {
      if (call.sentOn !== connection) continue;
      if (SAFE_AGAIN.has(call.method) && !call.retried) {
        call.retried = true;
        call.sentOn = undefined;
      } else {
        this.#finish(call, undefined, new TransportError(
          `${call.method}: the keeper's worker went away during the call; its outcome is unknown`));
      }
    }
    connection.release(); // after the calls it carried are retried or failed: its port's close reaches no one
    const shown = this.#view.begin(cause);
    if (shown) this.#events.deliver(shown);
    void this.#reconnect();
  }

  async #reconnect(): Promise<void> {
    for (let attempt = 0; !this.#closed; attempt++) {
      const delay = RETRY_DELAYS_MS[Math.min(attempt, RETRY_DELAYS_MS.length - 1)]!;
      if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
      if (this.#closed) return;
      try {
        const { connection, state } = await this.#connect(Math.min(REHELLO_TIMEOUT_MS, this.options.callTimeoutMs));
        if (this.#closed) {
          connection.release();
          return;
        }
        await this.#adopt(connection, state, true);
        return;
      } catch (error) {
        if (error instanceof VersionMismatchError) {
          this.#giveUp(error); // the URL now serves another version: only a reload of the page helps
          return;
        }
        if (error instanceof TimeoutError) await this.#leaveSilentWorker();
        // A worker that does not load (offline, redeployed) may load later: keep trying, and say why.
        if (error instanceof WorkerLoadError && this.#view.last) {
          this.#post({ type: 'state', state: { ...this.#view.last, state: 'reconnecting', cause: error.message } });
        }
      }
    }
  }

  /** No worker of this page's version can be had: every call now rejects with `error`. */
  #giveUp(error: Error): void {
    this.#broken = error;
    for (const call of this.#pending) this.#finish(call, undefined, error);
    const last = this.#view.last;
    if (last) this.#post({ type: 'state', state: { ...last, state: 'lost', cause: `${error.message} (reload this page)` } });
  }

  #call<R extends Promise<unknown>>(method: CallMethod, args: unknown[]): R {
    type T = Awaited<R>;
    return new Promise<T>((resolve, reject) => {
      if (this.#closed || this.#broken) {
        reject(this.#broken ?? new DestroyedError(`${method}: the page closed its connection to the keeper`));
        return;
      }
      const call: Call = { method, args, resolve: resolve as (value: unknown) => void, reject, sentOn: undefined, retried: false };
      this.#pending.add(call);
      this.#deadlines.add(call);
      this.#send(call);
    }) as R;
  }

  /** One Comlink call; its answer counts only on the connection it went out on (a call moved off it waits on). */
  #send(call: Call): void {
    const connection = this.#connection;
    if (!connection || !this.#callsOpen) return;
    call.sentOn = connection;
    // A Comlink call rejects (never throws): an argument that cannot be cloned, or the keeper's
    // error with its class (errors are what the keeper throws: bridge/comlink-errors).
    connection.calls[call.method](...call.args).then(
      (value) => call.sentOn === connection && this.#finish(call, value, undefined),
      (error: Error) => call.sentOn === connection && this.#finish(call, undefined, error),
    );
  }

  #finish(call: Call, value: unknown, error: Error | undefined): void {
    if (!this.#pending.delete(call)) return;
    this.#deadlines.delete(call);
    if (error) call.reject(error);
    else call.resolve(value);
  }

  #post(event: TabEvent): void {
    for (const shown of this.#view.filter(event)) {
      if (shown.type === 'state') this.#lastSessionId = shown.state.sessionId;
      this.#events.deliver(shown);
    }
  }
}
