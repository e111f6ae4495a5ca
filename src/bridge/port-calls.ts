// The keeper's calls over Comlink, as the design has them: the keeper worker exposes each page's
// endpoint (`Comlink.expose`) on the port the page connected with (a SharedWorker's connect port),
// and the page calls it through a `Comlink.wrap` proxy (client/shared-worker-link.ts): one Comlink
// message each way per call. `hello` is the first call; it transfers the tab's event port
// (`Comlink.transfer`), on which the keeper's events (TabEvent) come one-way and the page's notices
// (PageNotice) go back, so the Comlink port carries calls only. Errors cross by Comlink's "throw"
// transfer handler, replaced in both bundles (comlink-errors.ts) so that they keep their class,
// `name`, `code` and `reason`. (No Comlink type in this module's exports: the worker entry's
// declarations need no DOM lib.)
import { expose } from 'comlink';
import type { KeeperCalls, KeeperEndpoint } from './api.js';
import { installErrorTransfer } from './comlink-errors.js';

export type CallMethod = keyof KeeperCalls;

/** What a page may call on the keeper after `hello`. */
export const CALL_METHODS: readonly CallMethod[] = ['create', 'attach', 'message', 'trickle', 'hangup', 'detach', 'state',
  'online', 'destroy', 'goodbye', 'info', 'setToken', 'answerToken'];

/**
 * The worker's side: serves `endpoint` with Comlink on `port` (a page's SharedWorker connect port),
 * `hello` first. Only the keeper's methods are reachable: a page cannot get or set the endpoint's
 * other fields.
 */
export function exposeKeeper(port: MessagePort, endpoint: KeeperEndpoint): void {
  installErrorTransfer();
  const served = Object.create(null) as Record<string, unknown>;
  for (const method of ['hello', ...CALL_METHODS] as const) {
    served[method] = (endpoint[method] as unknown as (...args: unknown[]) => unknown).bind(endpoint);
  }
  expose(served, port);
}
