// The keeper worker's entry, one bundle for both modes: as a SharedWorker, one keeper per Janus
// server (or list of servers) for every tab of the origin; as the dedicated Worker of the leader tab
// (browsers without SharedWorker), the same keeper, reached by every tab over the BroadcastChannel relay.
import type { KeeperConfig, KeeperState, TabHello } from '../../bridge/api.js';
import { keeperKey } from '../../bridge/config.js';
import { exposeKeeper } from '../../bridge/port-calls.js';
import { relayNames } from '../../bridge/relay.js';
import { workerNameLock } from '../../bridge/worker-name.js';
import { consoleLogger } from '../../janus/index.js';
import { InvalidArgumentError } from '../../janus/index.js';
import { TabEndpoint, type KeeperLookup, type OwnerRelayLookup } from './endpoint.js';
import { Keeper } from '../keeper.js';
import { offerHandover } from '../record/handover.js';
import { keeperWantsLock, lockedStore, RecordLock, recordLockName, releaseWhenIdle, showWaiting } from '../record/record-lock.js';
import { ownerChannelName, OwnerRelay } from '../record/owner-relay.js';
import { RelayServer } from './relay-server.js';
import { indexedDbStore } from '../record/store.js';
import { expireWhenPagesGone } from '../handles/unseen-tabs.js';
import { holdWorkerLock, type HeldWorkerLock } from './worker-lock.js';

/** ms from this worker's creation until its script ran (the bundle's last statements run here). */
const scriptMs = performance.now();
let firstHelloMs: number | undefined;

// The DOM library has no SharedWorkerGlobalScope; this is the part used here.
declare const self: {
  name: string;
  addEventListener(type: 'connect', listener: (event: MessageEvent) => void): void;
};

const store = indexedDbStore();
const keepers = new Map<string, Keeper>();
const ownerRelays = new Map<Keeper, OwnerRelay>();
const ownerRelayFor: OwnerRelayLookup = (keeper) => ownerRelays.get(keeper);

/**
 * Tabs that ask for the same server, or the same list in the same order, share one keeper; it
 * claims or creates only while it holds its record's lock (record-lock.ts).
 */
function keeperFor(config: KeeperConfig): Keeper {
  const key = keeperKey(config);
  const known = keepers.get(key);
  if (known) return known;
  // Pages joining (not yet in `keeper.tabs`: they wait for the lock's first word) want it too.
  const lock = new RecordLock(recordLockName(key), () => keeperWantsLock(keeper) || !!ownerRelays.get(keeper)?.pageCount);
  const keeper = new Keeper({ config, store: lockedStore(store, lock), logger: consoleLogger, unseenTab: expireWhenPagesGone });
  releaseWhenIdle(keeper, lock);
  offerHandover(keeper, lock);
  showWaiting(keeper, lock);
  keepers.set(key, keeper);
  if (navigator.locks && typeof BroadcastChannel !== 'undefined') serveAcrossKeepers(keeper, lock);
  return keeper;
}

/**
 * One keeper per record holds the session; the pages of the others are served by it: it answers
 * them on the record's relay channel while it holds the lock, and they send it their calls while
 * they wait for it (record/owner-relay.ts).
 */
function serveAcrossKeepers(keeper: Keeper, lock: RecordLock): void {
  const channel = ownerChannelName(lock.name);
  const ownKeeper: KeeperLookup = (config) => {
    if (keeperKey(config) !== keeper.key) throw new InvalidArgumentError('this relay serves one record only');
    return keeper;
  };
  const server = new RelayServer(new BroadcastChannel(channel), ownKeeper, undefined, undefined, () => lock.held);
  const relay = new OwnerRelay(new BroadcastChannel(channel), () => void lock.acquire());
  ownerRelays.set(keeper, relay);
  lock.watch((change) => {
    if (change === 'waiting') {
      relay.wait();
      return;
    }
    if (change === 'released') {
      relay.letGo();
      return;
    }
    // The owner went: claim its session now (the pages then see this keeper claiming, not idle);
    // their calls wait for the claim, which brings their handles from the record.
    relay.serveHere(relay.ownerHasSession ? keeper.create() : undefined);
    server.announce();
  });
}

/** Tells each page a lock this worker holds for it, so the page notices when the worker dies. */
class WatchedEndpoint extends TabEndpoint {
  #workerLock: Promise<HeldWorkerLock | undefined> | undefined;

  // `gone` is filled in once `this` exists: the page left, so its lock can go.
  constructor(keeperFor: KeeperLookup, release: () => void = () => {}, ownerRelays?: OwnerRelayLookup, gone = { run: () => {} }) {
    super(keeperFor, () => {
      gone.run();
      release();
    }, ownerRelays);
    gone.run = () => void this.#workerLock?.then((lock) => lock?.release());
  }

  override async hello(hello: TabHello, events: MessagePort): Promise<KeeperState> {
    firstHelloMs ??= performance.now();
    const lock = await (this.#workerLock ??= holdWorkerLock());
    try {
      const state = { ...await super.hello(hello, events), workerStart: { createdAt: performance.timeOrigin, scriptMs, firstHelloMs } };
      return lock === undefined ? state : { ...state, workerLock: lock.name };
    } catch (error) {
      lock?.release();
      this.#workerLock = undefined;
      throw error;
    }
  }
}

if (!('WorkerGlobalScope' in globalThis)) {
  // Not in a worker (e.g. imported in Node for its URL): nothing to serve.
} else if ('onconnect' in globalThis) {
  // Held for the worker's life: pages that must leave a silent worker of this name find this one by it.
  void navigator.locks?.request(workerNameLock(self.name), () => new Promise<never>(() => {}));
  self.addEventListener('connect', (event) => {
    const port = event.ports[0];
    // The page's calls are Comlink calls on its connect port, `hello` first. Once the page is gone,
    // the port closes (its endpoint and Comlink's listener can be collected), after the answer to a
    // goodbye has gone out: Comlink answers in a microtask once the call settled.
    if (port) exposeKeeper(port, new WatchedEndpoint(keeperFor, () => setTimeout(() => port.close(), 0), ownerRelayFor));
  });
} else {
  // A dedicated Worker started by the leader tab; its name is the keeper's name.
  new RelayServer(new BroadcastChannel(relayNames(self.name).channel), keeperFor, undefined,
    (lookup) => new WatchedEndpoint(lookup, undefined, ownerRelayFor));
}
