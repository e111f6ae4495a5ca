// The SharedWorker entry: one keeper per Janus server (or list of servers) for every tab of the origin.
import { expose } from 'comlink';
import { installErrorTransfer } from '../bridge/errors.js';
import type { KeeperConfig } from '../bridge/api.js';
import { keeperKey } from '../bridge/config.js';
import { consoleLogger } from '../janus/index.js';
import { TabEndpoint } from './endpoint.js';
import { Keeper } from './keeper.js';
import { indexedDbStore } from './store.js';

// The DOM library has no SharedWorkerGlobalScope; this is the part used here.
declare const self: { addEventListener(type: "connect", listener: (event: MessageEvent) => void): void };

installErrorTransfer();

const store = indexedDbStore();
const keepers = new Map<string, Keeper>();

/** Tabs that ask for the same server, or the same list in the same order, share one keeper. */
function keeperFor(config: KeeperConfig): Keeper {
  const key = keeperKey(config);
  let keeper = keepers.get(key);
  if (!keeper) {
    keeper = new Keeper({ config, store, logger: consoleLogger });
    keepers.set(key, keeper);
  }
  return keeper;
}

self.addEventListener('connect', (event) => {
  const port = event.ports[0];
  if (port) expose(new TabEndpoint(keeperFor), port);
});
