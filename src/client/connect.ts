import type { KeeperConfig, KeeperMode, TabHello } from '../bridge/api.js';
import { installErrorTransfer } from '../bridge/errors.js';
import { relayNames } from '../bridge/relay.js';
import { InvalidArgumentError, JanusKeeperError } from '../janus/index.js';
import { checkConfig, resolveServers } from '../bridge/config.js';
import { describeState } from '../bridge/debug.js';
import { pageLockName, tabTag } from '../bridge/page-lock.js';
import { VERSION } from '../bridge/version.js';
import { KeeperClient } from './keeper-client.js';
import { Leadership } from './leader.js';
import { watchNetwork } from './page-listeners.js';
import { RelayClient } from './relay-client.js';
import { checkWorkerVersion, SharedWorkerLink } from './shared-worker-link.js';
import { WorkerLoadError } from './worker-load.js';
import { watchWorkerLock } from './worker-watch.js';

/** `auto`: a SharedWorker where there is one, else the leader-tab fallback. */
export type ConnectMode = 'auto' | 'shared-worker' | 'leader';

export interface ConnectOptions extends KeeperConfig {
  /**
   * URL of the keeper's worker bundle (`janus-keeper/keeper-worker.js`, served by your app from the
   * same janus-keeper version as the page); it runs as the SharedWorker or, in the fallback, as the
   * leader tab's dedicated Worker. A URL that does not load rejects with `WorkerLoadError`.
   */
  workerUrl: string | URL;
  /** Base of the worker's name; pages that share a keeper use the same one. */
  name?: string;
  /**
   * `auto` (default) uses a SharedWorker where the browser has one; `leader` forces the fallback
   * (a leader tab elected by a Web Lock runs the keeper, the others reach it over a
   * BroadcastChannel); `shared-worker` fails where there is none.
   */
  mode?: ConnectMode;
  /**
   * Keep the worker (and the session) alive across reloads and after the last tab closes
   * (Chromium 148+). Default true. The worker's name says which, since a page asking for the
   * same worker with the other setting would fail. SharedWorker mode only.
   */
  extendedLifetime?: boolean;
  /** Deadline of every call to the worker. Default 20 s. */
  callTimeoutMs?: number;
  /** Log the keeper's state transitions this page receives to the console (no ids, no secrets). */
  debug?: boolean;
}

const TAB_ID_KEY = 'janus-keeper:tab';
const WORKER_PROTOCOL_VERSION = 1;

/** Starts or joins the keeper (a SharedWorker, or the leader tab's Worker) and registers this page. */
export async function connect(options: ConnectOptions): Promise<KeeperClient> {
  installErrorTransfer();
  const config = checkConnectOptions(options);
  const mode = options.mode ?? 'auto';
  const callTimeoutMs = options.callTimeoutMs ?? 20_000;
  const base = `${options.name ?? 'janus-keeper'}/v${WORKER_PROTOCOL_VERSION}`;
  const tab = tabId();
  const lockName = pageLockName(await tabTag(tab).catch(() => undefined));
  const hello: TabHello = { config, tabId: tab, lockName, version: VERSION };
  const sharedWorker = typeof SharedWorker !== 'undefined';
  if (mode === 'shared-worker' && !sharedWorker) {
    throw new JanusKeeperError('This browser has no SharedWorker (use mode "auto" for the leader-tab fallback)');
  }
  // Released by client.close(), in reverse order; filled in while connecting.
  const releases: Array<() => void> = [];
  const releaseAll = (): void => {
    for (const release of releases.splice(0).reverse()) release();
  };
  const client = sharedWorker && mode !== 'leader'
    ? await viaSharedWorker(options, base, hello, callTimeoutMs, releases, releaseAll)
    : await viaLeader(options.workerUrl, base, hello, callTimeoutMs, releases, releaseAll);
  // Local causes: only this browser lost its link, so the keeper retries at once.
  releases.push(watchNetwork(() => void client.online().catch(() => {})));
  if (options.debug) releases.push(client.on('state', (state) => console.debug(describeState(state))));
  return client;
}

async function viaSharedWorker(options: ConnectOptions, base: string, hello: TabHello, callTimeoutMs: number,
  releases: Array<() => void>, releaseAll: () => void) {
  const extendedLifetime = options.extendedLifetime ?? true;
  const name = `${base}${extendedLifetime ? '/extended' : ''}`;
  const link = new SharedWorkerLink({ workerUrl: options.workerUrl, name, extendedLifetime, hello, callTimeoutMs });
  releases.push(() => link.close());
  try {
    const lock = holdLock(hello.lockName);
    releases.push(() => void lock.then((release) => release()));
    await lock;
    const state = await link.open();
    return new KeeperClient(link, link.events, state, callTimeoutMs, releaseAll, () => 'shared-worker');
  } catch (error) {
    releaseAll();
    throw error;
  }
}

/** No SharedWorker: elect a leader tab with a Web Lock; talk to its Worker over a BroadcastChannel. */
async function viaLeader(workerUrl: string | URL, base: string, hello: TabHello, callTimeoutMs: number,
  releases: Array<() => void>, releaseAll: () => void) {
  if (typeof navigator === 'undefined' || !navigator.locks || typeof BroadcastChannel === 'undefined') {
    throw new JanusKeeperError('This browser has neither SharedWorker nor Web Locks + BroadcastChannel: janus-keeper cannot share a session here');
  }
  const names = relayNames(base);
  const relay = new RelayClient(new BroadcastChannel(names.channel), callTimeoutMs);
  let loadFailed: (error: WorkerLoadError) => void = () => {};
  const failed = new Promise<never>((_, reject) => {
    loadFailed = reject;
  });
  failed.catch(() => {});
  let connected = false;
  // Only the leader tab starts the Worker, so only it can see the script fail to load.
  const leadership = new Leadership(names.leaderLock, workerUrl, base, () => relay.leaderGone(), (error) => {
    if (!connected) loadFailed(new WorkerLoadError(String(workerUrl), error.message));
    else console.warn(`[janus-keeper] ${error.message}`);
  });
  releases.push(() => relay.close(), () => leadership.stop());
  // The leader's Worker holds a lock for each page until it dies: every tab learns at once that it
  // died, and the leader tab starts a new one (a leader tab that closed hands over through the election).
  let stopWatch: () => void = () => {};
  relay.onJoined = (state) => {
    stopWatch();
    const workerLock = state.workerLock;
    const ownWorker = leadership.worker; // only the leader's own Worker answers its hello
    stopWatch = watchWorkerLock(workerLock, () => {
      if (ownWorker) leadership.restart(ownWorker);
      if (workerLock) relay.workerGone(workerLock);
    });
  };
  releases.push(() => stopWatch());
  try {
    releases.push(await holdLock(hello.lockName));
    leadership.start();
    const state = checkWorkerVersion(await Promise.race([relay.hello(hello), failed]));
    connected = true;
    const modeOf = (): KeeperMode => (leadership.isLeader ? 'leader' : 'follower');
    return new KeeperClient(relay, relay.events, state, callTimeoutMs, releaseAll, modeOf);
  } catch (error) {
    releaseAll();
    throw error;
  }
}

function checkConnectOptions(options: ConnectOptions): KeeperConfig {
  if (typeof options !== 'object' || options === null) throw new InvalidArgumentError('options must be an object');
  if (!(typeof options.workerUrl === 'string' && options.workerUrl !== '') && !(options.workerUrl instanceof URL)) {
    throw new InvalidArgumentError('workerUrl must be the URL of the keeper worker bundle');
  }
  if (options.mode !== undefined && !['auto', 'shared-worker', 'leader'].includes(options.mode)) {
    throw new InvalidArgumentError('mode must be "auto", "shared-worker" or "leader"');
  }
  const { workerUrl, name, mode, extendedLifetime, callTimeoutMs, debug, ...config } = options;
  config.server = resolveServers(config.server, globalThis.location?.href, config.transport);
  return checkConfig(config);
}

/** The tab's id survives reloads (sessionStorage is per tab), so its handles do too. */
function tabId(): string {
  try {
    const known = sessionStorage.getItem(TAB_ID_KEY);
    if (known) return known;
    const fresh = crypto.randomUUID();
    sessionStorage.setItem(TAB_ID_KEY, fresh);
    return fresh;
  } catch {
    return crypto.randomUUID(); // storage blocked: the tab's handles then end with the page
  }
}

/** Holds a Web Lock for the page's life: the keeper gets it exactly when the page is gone. */
function holdLock(lockName: string): Promise<() => void> {
  if (!navigator.locks) return Promise.resolve(() => {});
  return new Promise((granted) => {
    void navigator.locks.request(lockName, () => new Promise<void>((release) => granted(release)));
  });
}
