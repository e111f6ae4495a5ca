// One simulated run: the Janus model, the network, a failing store, a fake clock, the keeper under
// test (its public surface only) and the tabs that use it. The scheduler and the scripted
// scenarios both drive a World; the invariants watch it.
import type { AttachRequest, HandleInfo, KeeperConfig, TabEvent } from '../../src/bridge/api.js';
import type { WebSocketConstructor } from '../../src/janus/index.js';
import { Keeper } from '../../src/worker/keeper.js';
import { seeded } from '../fake-clock.js';
import { FailingStore } from './failing-store.js';
import { simFetch } from './fake-fetch.js';
import { SimNetwork, SimSocket } from './fake-websocket.js';
import { Invariants } from './invariants.js';
import { JanusModel } from './janus-model.js';
import { SimClock, settle } from './sim-clock.js';
import { WorkerLife } from './worker-life.js';

import { DEFAULT_OPTIONS, ECHO, HTTP_SERVER, SERVER, TOKEN, type Call, type FakePort, type OwnedHandle, type SimOptions,
  type SimProvider, type SimTab } from './world-types.js';

export * from './world-types.js';

export class World {
  readonly options: SimOptions;
  readonly clock = new SimClock();
  readonly random: () => number;
  readonly model: JanusModel;
  readonly net: SimNetwork;
  readonly store = new FailingStore();
  keeper: Keeper;
  /** The keeper worker now running; a restart kills it and starts another on the same store. */
  life: WorkerLife;
  restarts = 0;
  readonly #config: KeeperConfig;
  readonly tabs = new Map<string, SimTab>();
  readonly provider: SimProvider = { bad: false, delayMs: 0, calls: 0, rotations: 0, sets: 0 };
  readonly calls: Call[] = [];
  readonly trace: string[] = [];
  /** Handles as the tabs know them (from attach answers and events). */
  readonly handles = new Map<number, OwnedHandle>();
  readonly invariants: Invariants;
  step = 0;
  #nextCall = 1;

  constructor(options: Partial<SimOptions> = {}) {
    this.options = { ...DEFAULT_OPTIONS, ...options };
    const { seed } = this.options;
    this.random = seeded(seed * 7919 + 1);
    const modelRandom = seeded(seed * 104_729 + 2);
    this.model = new JanusModel({ sessionTimeoutS: this.options.sessionTimeoutS, reclaimTimeoutS: this.options.reclaimTimeoutS,
      ...(this.options.token ? { token: this.options.token } : {}), signed: this.options.tokenLifeMs !== undefined,
      now: () => this.clock.now(), random: modelRandom });
    this.net = new SimNetwork(this.model, () => this.clock.awake, () => this.clock.now());
    const config: KeeperConfig = {
      server: this.options.transport === 'http' ? HTTP_SERVER : SERVER, requestTimeoutMs: this.options.requestTimeoutMs, keepAliveMs: this.options.keepAliveMs,
      keepAliveTimeoutMs: this.options.keepAliveTimeoutMs, autoRecreate: this.options.autoRecreate,
      maxAttemptsPerMinute: this.options.maxAttemptsPerMinute,
    };
    if (this.options.token) config.token = this.options.token;
    if (this.options.tokenLifeMs !== undefined) {
      config.token = () => this.#provideToken();
      config.tokenTimeoutMs = this.options.requestTimeoutMs;
    }
    if (this.options.connectTimeoutMs) (config as KeeperConfig & { connectTimeoutMs?: number }).connectTimeoutMs = this.options.connectTimeoutMs;
    this.#config = config;
    this.life = new WorkerLife(this.clock);
    this.keeper = this.#newKeeper();
    this.invariants = new Invariants(this);
  }

  #newKeeper(): Keeper {
    const { life, net } = this;
    const SimWebSocket = class extends (net.WebSocket as unknown as typeof SimSocket) {
      constructor(url: string) {
        super(net, url);
        if (life.dead) net.kill(this); // a dead worker's code never reaches the network
      }
    };
    return new Keeper({
      config: this.#config, store: life.storeOf(this.store), clock: life.clock,
      random: seeded(this.options.seed * 15_485_863 + 3 + this.restarts), WebSocket: SimWebSocket as unknown as WebSocketConstructor,
      fetch: simFetch(this.net, this.clock, () => life.dead),
      liveness: () => {}, tabGraceMs: this.options.tabGraceMs, standalone: this.options.standalone,
      logger: { warn: () => {} },
    });
  }

  /** The backend answers on the world's clock (not the worker's: it is elsewhere), or fails. */
  #provideToken(): Promise<string> {
    const provider = this.provider;
    provider.calls++;
    const { bad, delayMs } = provider;
    this.log(`the token provider is asked (${bad ? 'it fails' : delayMs > 0 ? `answers in ${delayMs} ms` : 'answers'})`);
    // The answer reaches the worker that asked: a dead one runs no code again (it never settles there).
    const asker = this.life;
    return new Promise((resolve, reject) => {
      this.clock.setTimeout(() => {
        if (asker.dead) return;
        if (bad) reject(new Error('token backend down'));
        else resolve(this.model.mint(this.options.tokenLifeMs!));
      }, delayMs);
    });
  }

  /** Every token is revoked (a new signing secret): the next request with one gets 403. */
  revokeTokens(): void {
    this.model.generation++;
    this.provider.rotations++;
    this.log(`every token is revoked (generation ${this.model.generation})`);
  }

  /** A tab hands the keeper a token (`setToken`), e.g. one its backend pushed. */
  setToken(): void {
    this.provider.sets++;
    // Static tokens: the one Janus accepts now (a revoked one may be valid again).
    const token = this.options.tokenLifeMs !== undefined ? this.model.mint(this.options.tokenLifeMs) : this.model.token ?? TOKEN;
    this.invariants.tokenSet(token);
    this.log('setToken()');
    this.keeper.setToken(token);
  }

  /**
   * The keeper worker dies (killed, crashed, or WebKit restarting it) and a new one starts on the same
   * store: its links go (Janus sees them close, unless the path is half-open), its calls never answer,
   * and every open page connects to the new worker, which claims from the stored record.
   */
  restartWorker(): void {
    this.life.kill();
    for (const socket of [...this.net.sockets]) if (!socket.clientClosed || socket.serverOpen) this.net.kill(socket);
    for (const call of this.calls) call.abandon?.();
    this.restarts++;
    this.life = new WorkerLife(this.clock);
    this.keeper = this.#newKeeper();
    this.invariants.workerRestarted();
    this.log('the keeper worker is killed; a new one starts on the same store');
    for (const tab of this.tabs.values()) {
      if (!tab.page) continue;
      tab.page.port.closed = true;
      tab.page = { lockName: tab.page.lockName, port: this.#port(tab) };
      this.keeper.tabs.add(tab.id, tab.page.lockName, tab.page.port as unknown as MessagePort);
    }
  }

  #port(tab: SimTab): FakePort {
    const port: FakePort = {
      events: [], closed: false,
      postMessage: (event) => {
        this.invariants.posted(tab, port, event);
        port.events.push(event);
      },
      close: () => {
        port.closed = true;
      },
    };
    return port;
  }

  get awake(): number {
    return this.clock.awake;
  }

  log(line: string): void {
    this.trace.push(`#${this.step} +${this.clock.now() - Date.UTC(2026, 0, 1)}ms: ${line}`);
  }

  tab(id: string): SimTab {
    let tab = this.tabs.get(id);
    if (!tab) {
      tab = { id, page: undefined, pages: 0, epoch: 0 };
      this.tabs.set(id, tab);
    }
    return tab;
  }

  /** The tab whose snapshot lists the handle now, if any. */
  listedOwner(handleId: number): string | undefined {
    for (const tab of this.tabs.values()) {
      if (this.keeper.snapshot(tab.id).handles.some((handle) => handle.handleId === handleId)) return tab.id;
    }
    return undefined;
  }

  get pageCount(): number {
    let count = 0;
    for (const tab of this.tabs.values()) if (tab.page) count++;
    return count;
  }

  /** A page of `tabId` registers with the keeper (first load, or back from a reload). */
  openPage(tabId: string): void {
    const tab = this.tab(tabId);
    if (tab.page) return;
    // (The keeper's grace runs on the clock: a sleep may end it too, hence the clock's time.)
    if (tab.left && (!tab.left.grace || this.clock.now() - tab.left.at >= this.options.tabGraceMs)) tab.epoch++;
    tab.left = undefined;
    const port = this.#port(tab);
    tab.page = { lockName: `${tabId}-page-${++tab.pages}`, port };
    this.keeper.tabs.add(tabId, tab.page.lockName, port as unknown as MessagePort);
    this.invariants.pagesChanged();
    this.log(`${tabId} opens a page`);
  }

  /** The page leaves: closed (no grace) or reloading (its tab may come back within the grace). */
  closePage(tabId: string, grace: boolean): void {
    const tab = this.tab(tabId);
    if (!tab.page) return;
    const { lockName } = tab.page;
    tab.page = undefined;
    tab.left = { at: this.clock.now(), grace };
    this.keeper.tabs.remove(lockName, grace);
    this.invariants.pagesChanged();
    this.log(`${tabId} ${grace ? 'reloads (page gone, may come back)' : 'closes'}`);
  }

  /** Runs a keeper call on behalf of a tab and records how it settles. */
  call<T>(tab: string, what: string, run: () => Promise<T>, onValue?: (value: T) => void): Promise<T | undefined> {
    const call: Call = { id: this.#nextCall++, tab, what, startedAwake: this.awake, settled: false };
    this.calls.push(call);
    this.invariants.callStarted(call);
    this.log(`${tab}: ${what} (call ${call.id})`);
    let promise: Promise<T>;
    try {
      promise = run();
    } catch (error) {
      promise = Promise.reject(error);
    }
    const died = new Promise<never>((_resolve, reject) => {
      call.abandon = () => reject(Object.assign(new Error('the worker died under the call'), { name: 'WorkerDied' }));
    });
    return Promise.race([promise, died]).then((value) => {
      call.settled = true;
      call.outcome = 'ok';
      this.log(`call ${call.id} ${what} -> ok ${summary(value)}`);
      onValue?.(value);
      this.invariants.callSettled(call, value, undefined);
      return value;
    }, (error: unknown) => {
      call.settled = true;
      call.outcome = error instanceof Error ? error.name : String(error);
      this.log(`call ${call.id} ${what} -> ${call.outcome}: ${error instanceof Error ? error.message : ''}`);
      this.invariants.callSettled(call, undefined, error);
      return undefined;
    });
  }

  create(tab: string, sessionId?: number): Promise<unknown> {
    return this.call(tab, sessionId === undefined ? 'create()' : 'create(id)', () => this.keeper.create(sessionId));
  }

  attach(tab: string, plugin = ECHO, request: AttachRequest & { take?: boolean } = {}): Promise<HandleInfo | undefined> {
    const what = `attach(${plugin.split('.').pop()}${request.handleId ? `, handle ${request.handleId}${request.take ? ', take' : ''}` : ''})`;
    const owner = request.handleId === undefined ? undefined : this.listedOwner(request.handleId);
    const holder = owner === undefined ? undefined : { tab: owner, epoch: this.tab(owner).epoch };
    // An id no tab holds is bound on the tab's word, without asking Janus (it may be long gone).
    if (request.handleId !== undefined && owner === undefined) this.invariants.janus.takenOnWord(request.handleId);
    return this.call(tab, what, () => this.keeper.attach(tab, plugin, request), (info) => {
      this.invariants.attached(tab, plugin, request, info, holder);
      this.handles.set(info.handleId, { tab, plugin: info.plugin });
    });
  }

  message(tab: string, handleId: number): Promise<unknown> {
    return this.call(tab, `message(handle ${handleId})`, () => this.keeper.message(tab, handleId, { audio: true }));
  }

  detach(tab: string, handleId: number): Promise<unknown> {
    return this.call(tab, `detach(handle ${handleId})`, () => this.keeper.detach(tab, handleId), () => {
      this.handles.delete(handleId);
    });
  }

  destroy(tab: string): Promise<unknown> {
    this.invariants.destroyStarted();
    return this.call(tab, 'destroy()', () => this.keeper.destroy());
  }

  online(): void {
    this.log('online()');
    this.keeper.online();
  }

  /** Delivers one frame/connect/close in flight (index into `net.heads()`). */
  deliver(headIndex: number): void {
    const heads = this.net.heads();
    const index = heads[headIndex % heads.length];
    if (index === undefined) return;
    this.log(this.net.deliver(index));
  }

  /** Delivers everything in flight (new frames too) until the network is quiet or `max` is reached. */
  async flush(max = 200): Promise<void> {
    for (let i = 0; i < max && this.net.queue.length > 0; i++) {
      this.deliver(0);
      await settle();
    }
  }

  /** Fires the next timer or Janus's next expiry check, whichever is first. */
  tick(): void {
    const timerAt = this.clock.nextAt;
    if (timerAt !== undefined && timerAt <= this.model.nextSweepAt) {
      this.clock.fireNext();
      this.log(`timer fired`);
    } else {
      this.clock.moveTo(this.model.nextSweepAt);
      this.model.sweep();
      this.log('Janus checks expiries');
    }
  }

  /** Lets `ms` pass, firing timers and Janus's checks on the way (settling after each). */
  async wait(ms: number): Promise<void> {
    const until = this.clock.now() + ms;
    for (;;) {
      const timerAt = this.clock.nextAt ?? Infinity;
      const next = Math.min(timerAt, this.model.nextSweepAt);
      if (next > until) break;
      this.tick();
      await settle();
      await this.invariants.check();
    }
    this.clock.moveTo(until);
    this.log(`waited until +${until - Date.UTC(2026, 0, 1)}ms`);
  }

  sleep(ms: number): void {
    this.clock.sleep(ms);
    this.model.sweep(); // Janus runs on another machine: its expiry checks went on meanwhile
    this.log(`the machine sleeps ${ms} ms`);
  }

  restartJanus(): void {
    this.model.restart();
    for (const socket of this.net.sockets) this.net.drop(socket);
    this.log('Janus restarts: every session gone');
  }

  drop(socket: SimSocket): void {
    this.net.drop(socket);
    this.log(`link ${socket.linkId} dropped`);
  }

  /** Runs the invariants after the step's effects settled; returns the violations so far. */
  async endStep(): Promise<string[]> {
    await settle();
    await this.invariants.check();
    this.step++;
    return this.invariants.violations;
  }
}

function summary(value: unknown): string {
  if (value === undefined) return '';
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
