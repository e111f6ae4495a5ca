import type { KeeperConfig, TabHello } from '../bridge/api.js';
import { InvalidArgumentError, JanusKeeperError, type TokenProvider } from '../janus/index.js';
import { resolveServers } from '../bridge/config.js';
import { pageLockName, tabTag } from '../bridge/page-lock.js';
import { VERSION } from '../bridge/version.js';
import { KeeperClient } from './keeper-client.js';
import { watchNetwork, watchRestore } from './page-listeners.js';
import { holdLock } from './hold-lock.js';
import { keeperBase, keeperWorkerName } from './keeper-name.js';
import { SharedWorkerLink } from './shared-worker-link.js';

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

/** Starts or joins the keeper (a SharedWorker, or the leader tab's Worker) and registers this page. */
export async function connect(options: ConnectOptions): Promise<KeeperClient> {
  const config = checkConnectOptions(options);
  // A provider stays in the page: the keeper asks it through this page's client.
  const tokenProvider = typeof options.token === 'function' ? options.token : undefined;
  const mode = options.mode ?? 'auto';
  const callTimeoutMs = options.callTimeoutMs ?? 20_000;
  const base = keeperBase(options.name);
  const tab = tabId();
  const tag = await tabTag(tab).catch(() => undefined);
  const lockName = pageLockName(tag);
  const hello: TabHello = { config, tabId: tab, lockName, version: VERSION, ...(tokenProvider ? { tokenProvider: true } : {}) };
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
    ? await viaSharedWorker(options, hello, () => pageLockName(tag), callTimeoutMs, releases, releaseAll, tokenProvider)
    // The fallback loads only where it runs (its own chunk in an app's bundle).
    : await (await import('./via-leader.js')).viaLeader(options.workerUrl, base, hello, callTimeoutMs, releases, releaseAll,
      tokenProvider);
  // Local causes: only this browser lost its link, so the keeper retries at once.
  releases.push(watchNetwork(() => void client.online().catch(() => {})));
  if (options.debug) {
    // Only a page that asks for the log loads its formatter.
    const { describeState } = await import('../bridge/debug.js');
    releases.push(client.on('state', (state) => console.debug(describeState(state))));
  }
  return client;
}

async function viaSharedWorker(options: ConnectOptions, hello: TabHello, newLockName: () => string,
  callTimeoutMs: number, releases: Array<() => void>, releaseAll: () => void, tokenProvider: TokenProvider | undefined) {
  const extendedLifetime = options.extendedLifetime ?? true;
  const name = keeperWorkerName({ name: options.name, extendedLifetime });
  let lock = holdLock(hello.lockName);
  const link = new SharedWorkerLink({ workerUrl: options.workerUrl, name, extendedLifetime, hello, callTimeoutMs, lockHeld: lock });
  releases.push(() => link.close(), () => void lock.then((release) => release()));
  try {
    const state = await link.open();
    // Back from bfcache: a new lock (WebKit dropped the old one), a new hello; the old lock goes.
    releases.push(watchRestore(() => {
      const old = lock;
      const lockName = newLockName();
      lock = holdLock(lockName);
      link.rejoin(lock.then(() => lockName));
      void old.then((release) => release());
    }));
    return new KeeperClient(link, link.events, state, releaseAll, () => 'shared-worker', tokenProvider);
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
  if (typeof config.token === 'function') delete config.token;
  else if (config.token !== undefined && config.token !== null && (typeof config.token !== 'string' || config.token === '')) {
    throw new InvalidArgumentError('token must be a string, null or a function');
  }
  // The keeper checks the config at `hello` (bridge/config), before any Janus or storage I/O, and
  // its InvalidArgumentError comes back with its class: the page does not carry the same checks.
  try {
    structuredClone(config);
  } catch {
    throw new InvalidArgumentError('the config holds a value that cannot be sent to the keeper worker (a function?)');
  }
  return config;
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
