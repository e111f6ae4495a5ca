// Puts an existing janus.js app on the keeper through janus.js's own hook: `Janus.init({ dependencies })`
// gets a `newWebSocket` whose sockets talk to the keeper. Everything else (WebRTC, callbacks,
// handles) stays janus.js's own code.
import { PageKeeper, type PageKeeperOptions } from './page-keeper.js';

/** What janus.js's dependencies object is to this adapter (janus.js has more fields; they pass through). */
export interface JanusDependencies {
  newWebSocket: (server: string, protocol: string) => unknown;
  [key: string]: unknown;
}

/** The part of janus.js's `Janus` this adapter uses. */
export interface JanusGlobal {
  init(options?: { dependencies?: JanusDependencies; [key: string]: unknown }): void;
  useDefaultDependencies(deps?: Record<string, unknown>): JanusDependencies;
  initDone?: boolean;
  newWebSocket?: JanusDependencies['newWebSocket'];
}

export type UseKeeperOptions = PageKeeperOptions;

const PATCHED = Symbol.for('janus-keeper.janusjs');

/**
 * From now on every `new Janus({ server: 'ws(s)://...' })` of this page runs through the keeper:
 * one Janus session for the origin's tabs, kept across reloads and network drops. Call it once,
 * before the app's `Janus.init`. Servers given as http(s) URLs keep janus.js's own REST transport.
 */
export function useKeeper<J extends JanusGlobal>(Janus: J, options: UseKeeperOptions): J {
  const patched = Janus as J & { [PATCHED]?: true };
  if (patched[PATCHED]) return Janus;
  patched[PATCHED] = true;
  const page = new PageKeeper(options);
  const warned = new Set<string>();
  const route = (plain: JanusDependencies['newWebSocket']): JanusDependencies['newWebSocket'] => (server, protocol) => {
    if (/^wss?:\/\//i.test(server)) return page.socket(server);
    if (!warned.has(server)) console.warn('[janus-keeper] only ws:// and wss:// servers go through the keeper');
    warned.add(server);
    return plain(server, protocol);
  };
  const init = Janus.init;
  Janus.init = function (this: J, initOptions = {}) {
    const dependencies = initOptions.dependencies ?? Janus.useDefaultDependencies();
    return init.call(this, { ...initOptions, dependencies: { ...dependencies, newWebSocket: route(dependencies.newWebSocket) } });
  };
  // Loaded after the app's init: janus.js reads `Janus.newWebSocket` at each session.
  if (Janus.initDone && Janus.newWebSocket) Janus.newWebSocket = route(Janus.newWebSocket);
  return Janus;
}
