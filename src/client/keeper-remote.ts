// The page's side of the keeper's Comlink calls (bridge/port-calls has the worker's): a
// `Comlink.wrap` proxy on the SharedWorker's port, and `hello` with the tab's event port transferred.
import { transfer, wrap, type Remote } from 'comlink';
import type { KeeperEndpoint, KeeperState, TabHello } from '../bridge/api.js';
import { installErrorTransfer } from '../bridge/comlink-errors.js';

/** The keeper as a page's Comlink proxy sees it. */
export type KeeperRemote = Remote<KeeperEndpoint>;

/** The keeper's Comlink proxy on `port` (errors come back with their class). */
export function wrapKeeper(port: MessagePort): KeeperRemote {
  installErrorTransfer();
  return wrap<KeeperEndpoint>(port);
}

/** The page's `hello`: a Comlink call that transfers `events`, the tab's event port. */
export function sayHello(keeper: KeeperRemote, hello: TabHello, events: MessagePort): Promise<KeeperState> {
  return keeper.hello(hello, transfer(events, [events]));
}
