import { transfer, wrap } from 'comlink';
import type { KeeperConfig, KeeperEndpoint, KeeperMode, TabHello } from '../bridge/api.js';
import { installErrorTransfer } from '../bridge/errors.js';
import { relayNames } from '../bridge/relay.js';
import { InvalidArgumentError, JanusKeeperError } from '../janus/index.js';
import { checkConfig } from '../bridge/config.js';
import { withDeadline } from './deadline.js';
import { KeeperClient } from './keeper-client.js';
import { Leadership } from './leader.js';
import { RelayClient } from './relay-client.js';

/** `auto`: a SharedWorker where there is one, else the leader-tab fallback. */
export type ConnectMode = 'auto' | 'shared-worker' | 'leader';

export interface ConnectOptions extends KeeperConfig {
  /**
   * URL of the keeper's worker bundle (`janus-keeper`'s `dist/browser/keeper-worker.js`); it runs
   * as the SharedWorker or, in the fallback, as the leader tab's dedicated Worker.
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
  const lockName = `janus-keeper:page:${crypto.randomUUID()}`;
  const hello: TabHello = { config, tabId: tabId(), lockName };
  const sharedWorker = typeof SharedWorker !== 'undefined';
  if (mode === 'shared-worker' && !sharedWorker) {
    throw new JanusKeeperError('This browser has no SharedWorker (use mode "auto" for the leader-tab fallback)');
  }
  const client = sharedWorker && mode !== 'leader'
    ? await viaSharedWorker(options, base, hello, callTimeoutMs)
    : await viaLeader(options.workerUrl, base, hello, callTimeoutMs);
  // Local causes: only this browser lost its link, so the keeper retries at once.
  globalThis.addEventListener?.('online', () => void client.online().catch(() => {}));
  globalThis.document?.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') void client.online().catch(() => {});
  });
  return client;
}

async function viaSharedWorker(options: ConnectOptions, base: string, hello: TabHello, callTimeoutMs: number) {
  const extendedLifetime = options.extendedLifetime ?? true;
  const name = `${base}${extendedLifetime ? '/extended' : ''}`;
  const worker = new SharedWorker(options.workerUrl, { name, type: 'module', extendedLifetime } as WorkerOptions);
  const endpoint = wrap<KeeperEndpoint>(worker.port);
  const release = await holdLock(hello.lockName);
  const channel = new MessageChannel();
  const state = await withDeadline(endpoint.hello(hello, transfer(channel.port2, [channel.port2])), callTimeoutMs, 'connect');
  return new KeeperClient(endpoint, channel.port1, state, callTimeoutMs, release, () => 'shared-worker');
}

/** No SharedWorker: elect a leader tab with a Web Lock; talk to its Worker over a BroadcastChannel. */
async function viaLeader(workerUrl: string | URL, base: string, hello: TabHello, callTimeoutMs: number) {
  if (typeof navigator === 'undefined' || !navigator.locks || typeof BroadcastChannel === 'undefined') {
    throw new JanusKeeperError('This browser has neither SharedWorker nor Web Locks + BroadcastChannel: janus-keeper cannot share a session here');
  }
  const names = relayNames(base);
  const relay = new RelayClient(new BroadcastChannel(names.channel), callTimeoutMs);
  const leadership = new Leadership(names.leaderLock, workerUrl, base, () => relay.leaderGone());
  const releasePage = await holdLock(hello.lockName);
  leadership.start();
  const release = () => {
    releasePage();
    relay.close();
    leadership.stop();
  };
  try {
    const state = await relay.hello(hello);
    const modeOf = (): KeeperMode => (leadership.isLeader ? 'leader' : 'follower');
    return new KeeperClient(relay, relay.events, state, callTimeoutMs, release, modeOf);
  } catch (error) {
    release();
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
  const { workerUrl, name, mode, extendedLifetime, callTimeoutMs, ...config } = options;
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
