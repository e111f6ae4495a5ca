// For apps that build their own worker bundle, and for Node (the keeper runs there too).
// The app shell is `janus-keeper/app-shell` (page) and `janus-keeper/service-worker`.
export { Keeper, type KeeperEvents, type KeeperOptions } from './keeper.js';
export { TabEndpoint, type KeeperLookup } from './host/endpoint.js';
export type { TokenAnswer } from '../bridge/api.js';
export { RelayServer, type RelayChannel } from './host/relay-server.js';
export { checkConfig } from '../bridge/config.js';
export { indexedDbStore, memoryStore, parseStoredSession, STORE_VERSION } from './record/store.js';
export type { SessionStore, StoredHandle, StoredSession } from './record/store.js';
export { DEFAULT_BACKOFF, fullJitter, retryDelay, type BackoffPolicy, type RetryCause, type RetrySchedule } from './recovery/backoff.js';
export { TabRegistry, webLocksLiveness, type LivenessWatch } from './host/tabs.js';
export { installErrorTransfer } from '../bridge/comlink-errors.js';
export { exposeKeeper } from '../bridge/port-calls.js';
export { debugKeeper } from './debug.js';
export { VERSION, VersionMismatchError } from '../bridge/version.js';
