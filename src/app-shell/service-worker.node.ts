// `janus-keeper/service-worker` under Node's `node` export condition (SSR, an app's unit tests):
// workbox's modules touch `self` as they load, so Node gets this stand-in, which imports anywhere
// and says what it is when called. Its types are those of ./service-worker.ts.
import { JanusKeeperError } from '../janus/index.js';
import type { installAppShell as inServiceWorker } from './service-worker.js';

export const installAppShell: typeof inServiceWorker = () => {
  throw new JanusKeeperError('installAppShell() runs in a service worker, not in Node');
};
