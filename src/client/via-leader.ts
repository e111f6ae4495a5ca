// The leader-tab fallback of `connect()` (no SharedWorker, or `mode: 'leader'`), in its own module so
// that an app's bundler loads it only where it runs.
import type { KeeperMode, TabHello } from '../bridge/api.js';
import { relayNames } from '../bridge/relay.js';
import { VERSION } from '../bridge/version.js';
import { JanusKeeperError, type TokenProvider } from '../janus/index.js';
import { holdLock } from './hold-lock.js';
import { KeeperClient } from './keeper-client.js';
import { Leadership } from './leader.js';
import { RelayClient } from './relay-client.js';
import { checkWorkerVersion } from './shared-worker-link.js';
import { WorkerLoadError } from './worker-load.js';
import { watchWorkerLock } from './worker-watch.js';

/** No SharedWorker: elect a leader tab with a Web Lock; talk to its Worker over a BroadcastChannel. */
export async function viaLeader(workerUrl: string | URL, base: string, hello: TabHello, callTimeoutMs: number,
  releases: Array<() => void>, releaseAll: () => void, tokenProvider?: TokenProvider) {
  if (typeof navigator === 'undefined' || !navigator.locks || typeof BroadcastChannel === 'undefined') {
    throw new JanusKeeperError('This browser has neither SharedWorker nor Web Locks + BroadcastChannel: janus-keeper cannot share a session here');
  }
  // Each version elects its own leader: a tab of a newer version never meets an older leader's
  // Worker (which would refuse it); the two keepers meet at the record lock and hand over there.
  const versioned = `${base}@${VERSION}`;
  const names = relayNames(versioned);
  const relay = new RelayClient(new BroadcastChannel(names.channel), callTimeoutMs);
  let loadFailed: (error: WorkerLoadError) => void = () => {};
  const failed = new Promise<never>((_, reject) => {
    loadFailed = reject;
  });
  failed.catch(() => {});
  let connected = false;
  // Only the leader tab starts the Worker, so only it can see the script fail to load.
  const leadership = new Leadership(names.leaderLock, workerUrl, versioned, () => relay.leaderGone(), (error) => {
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
    return new KeeperClient(relay, relay.events, state, releaseAll, modeOf, tokenProvider);
  } catch (error) {
    releaseAll();
    throw error;
  }
}

