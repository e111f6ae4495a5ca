// Puts an existing janus.js app on the keeper through janus.js's own hook: `Janus.init({ dependencies })`
// gets a `newWebSocket` and an `httpAPICall` that talk to the keeper. Everything else (WebRTC, callbacks,
// handles) stays janus.js's own code.
import type { HttpCallOptions } from './keeper-http.js';
import { PageKeeper, type PageKeeperOptions } from './page-keeper.js';

/** What janus.js's dependencies object is to this adapter (janus.js has more fields; they pass through). */
export interface JanusDependencies {
  newWebSocket: (server: string, protocol: string) => unknown;
  httpAPICall: (url: string, options: HttpCallOptions) => unknown;
  [key: string]: unknown;
}

/** The part of janus.js's `Janus` this adapter uses. */
export interface JanusGlobal {
  init(options?: { dependencies?: JanusDependencies; [key: string]: unknown }): void;
  useDefaultDependencies(deps?: Record<string, unknown>): JanusDependencies;
  initDone?: boolean;
  newWebSocket?: JanusDependencies['newWebSocket'];
  httpAPICall?: JanusDependencies['httpAPICall'];
  /** janus.js's registry of live sessions (its unload handler destroys those with `destroyOnUnload`). */
  sessions?: Record<string, unknown> | Map<unknown, unknown>;
}

/** Options of {@link useKeeper}: the keeper worker's URL and the keeper's options. */
export type UseKeeperOptions = PageKeeperOptions;

const PATCHED = Symbol.for('janus-keeper.janusjs');

/**
 * From now on every `new Janus({ server })` of this page runs through the keeper (WebSocket and
 * REST servers alike): one Janus session for the origin's tabs, kept across reloads and network
 * drops. Call it once, before the app's `Janus.init`.
 */
export function useKeeper<J extends JanusGlobal>(Janus: J, options: UseKeeperOptions): J {
  const patched = Janus as J & { [PATCHED]?: true };
  if (patched[PATCHED]) return Janus;
  patched[PATCHED] = true;
  const page = new PageKeeper(options);
  const socket = (plain: JanusDependencies['newWebSocket']): JanusDependencies['newWebSocket'] => (server, protocol) =>
    /^wss?:\/\//i.test(server) ? page.socket(server) : plain(server, protocol);
  const http = (plain: JanusDependencies['httpAPICall']): JanusDependencies['httpAPICall'] => (url, callOptions) =>
    page.http(url, callOptions) ? Promise.resolve() : plain(url, callOptions);
  const init = Janus.init;
  Janus.init = function (this: J, initOptions = {}) {
    const dependencies = initOptions.dependencies ?? Janus.useDefaultDependencies();
    return init.call(this, { ...initOptions, dependencies: { ...dependencies,
      newWebSocket: socket(dependencies.newWebSocket), httpAPICall: http(dependencies.httpAPICall) } });
  };
  // Loaded after the app's init: janus.js reads these at each request.
  if (Janus.initDone && Janus.newWebSocket) Janus.newWebSocket = socket(Janus.newWebSocket);
  if (Janus.initDone && Janus.httpAPICall) Janus.httpAPICall = http(Janus.httpAPICall);
  keepSessionOnUnload(Janus);
  return Janus;
}

/**
 * janus.js's unload handler destroys a REST session with a `sendBeacon` straight to Janus: through
 * the keeper that would be the shared session. Sessions janus.js registers are marked to skip it;
 * the adapter ends the page's handles itself on `pagehide`.
 */
export function keepSessionOnUnload(Janus: JanusGlobal): void {
  const sessions = Janus.sessions;
  const keep = (value: unknown) => {
    if (typeof value === 'object' && value !== null && 'destroyOnUnload' in value) {
      (value as { destroyOnUnload: boolean }).destroyOnUnload = false;
    }
  };
  if (sessions instanceof Map) {
    // janus.js 1.2 and later (npm janus-gateway 1.4): a Map, whose methods a Proxy cannot call.
    const set = sessions.set.bind(sessions);
    sessions.set = (key, value) => {
      keep(value);
      return set(key, value);
    };
    return;
  }
  if (typeof sessions !== 'object' || sessions === null) return;
  Janus.sessions = new Proxy(sessions, { // janus.js 1.1 (Debian's): a plain object
    set(target, key, value: unknown) {
      keep(value);
      return Reflect.set(target, key, value);
    },
  });
}
