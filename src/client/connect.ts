import { transfer, wrap } from 'comlink';
import type { KeeperConfig, KeeperEndpoint } from '../bridge/api.js';
import { installErrorTransfer } from '../bridge/errors.js';
import { InvalidArgumentError, JanusKeeperError, TimeoutError } from '../janus/index.js';
import { checkConfig } from '../bridge/config.js';
import { KeeperClient } from './keeper-client.js';

export interface ConnectOptions extends KeeperConfig {
  /** URL of the keeper's SharedWorker bundle (`janus-keeper`'s `dist/browser/keeper-worker.js`). */
  workerUrl: string | URL;
  /** Base of the SharedWorker's name; pages that share a keeper use the same one. */
  name?: string;
  /**
   * Keep the worker (and the session) alive across reloads and after the last tab closes
   * (Chromium 148+). Default true. The worker's name says which, since a page asking for the
   * same worker with the other setting would fail.
   */
  extendedLifetime?: boolean;
  /** Deadline of every call to the worker. Default 20 s. */
  callTimeoutMs?: number;
}

const TAB_ID_KEY = 'janus-keeper:tab';
const WORKER_PROTOCOL_VERSION = 1;

/** Starts or joins the keeper's SharedWorker and registers this page with it. */
export async function connect(options: ConnectOptions): Promise<KeeperClient> {
  installErrorTransfer();
  const config = checkConnectOptions(options);
  if (typeof SharedWorker === 'undefined') {
    throw new JanusKeeperError('This browser has no SharedWorker; janus-keeper cannot share a session here yet');
  }
  const extendedLifetime = options.extendedLifetime ?? true;
  const name = `${options.name ?? 'janus-keeper'}/v${WORKER_PROTOCOL_VERSION}${extendedLifetime ? '/extended' : ''}`;
  const worker = new SharedWorker(options.workerUrl, { name, type: 'module', extendedLifetime } as WorkerOptions);
  const endpoint = wrap<KeeperEndpoint>(worker.port);
  const callTimeoutMs = options.callTimeoutMs ?? 20_000;

  const lockName = `janus-keeper:page:${crypto.randomUUID()}`;
  const release = await holdLock(lockName);
  const channel = new MessageChannel();
  const hello = endpoint.hello({ config, tabId: tabId(), lockName }, transfer(channel.port2, [channel.port2]));
  const state = await withDeadline(hello, callTimeoutMs, 'connect');
  const client = new KeeperClient(endpoint, channel.port1, state, callTimeoutMs, release);
  // Local causes: only this browser lost its link, so the keeper retries at once.
  globalThis.addEventListener?.('online', () => void client.online().catch(() => {}));
  globalThis.document?.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') void client.online().catch(() => {});
  });
  return client;
}

function checkConnectOptions(options: ConnectOptions): KeeperConfig {
  if (typeof options !== 'object' || options === null) throw new InvalidArgumentError('options must be an object');
  if (!(typeof options.workerUrl === 'string' && options.workerUrl !== '') && !(options.workerUrl instanceof URL)) {
    throw new InvalidArgumentError('workerUrl must be the URL of the keeper worker bundle');
  }
  const { workerUrl, name, extendedLifetime, callTimeoutMs, ...config } = options;
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

/** Holds a Web Lock for the page's life: the worker gets it exactly when the page is gone. */
function holdLock(lockName: string): Promise<() => void> {
  if (!navigator.locks) return Promise.resolve(() => {});
  return new Promise((granted) => {
    void navigator.locks.request(lockName, () => new Promise<void>((release) => granted(release)));
  });
}

function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new TimeoutError(`${what}: the keeper worker did not answer within ${ms} ms`, ms)), ms);
    promise.then(resolve, reject).finally(() => clearTimeout(timer));
  });
}
