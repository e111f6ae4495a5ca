// `janus-keeper/service-worker`: the app shell's service worker, built on workbox-precaching: precaches the app's built assets so
// a reload while offline still boots. Janus traffic is never touched: no route matches it, so it
// goes straight to the network (and a WebSocket never passes through a service worker).
import { precacheAndRoute, type PrecacheEntry } from 'workbox-precaching';
import { registerRoute } from 'workbox-routing';
import { NetworkFirst } from 'workbox-strategies';

/** Options of {@link installAppShell}: `runtime` lists small same-origin boot data served network-first. */
export interface AppShellOptions {
  /**
   * Same-origin URLs of small app data that the shell needs to boot (e.g. a config file): served
   * network-first, from the cache when offline, and fetched into it at install time.
   * Never list Janus URLs here.
   */
  runtime?: string[];
}

const RUNTIME_CACHE = 'janus-keeper-app-data';

interface ServiceWorkerScope {
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  addEventListener(type: 'install', listener: (event: { waitUntil(promise: Promise<unknown>): void }) => void): void;
  skipWaiting(): Promise<void>;
  location: Location;
}

declare const self: ServiceWorkerScope;

/** What workbox-build's injectManifest puts in place of `self.__WB_MANIFEST`. */
export type AppShellManifest = Array<PrecacheEntry | string>;

declare global {
  // A global `var` is how a declaration reaches `self` in every lib (webworker, dom or none).
  // eslint-disable-next-line no-var
  var __WB_MANIFEST: AppShellManifest;
}

/** Installs the app shell: `manifest` is `self.__WB_MANIFEST`, filled in by workbox-build. */
export function installAppShell(manifest: AppShellManifest, options: AppShellOptions = {}): void {
  // Pages carry query parameters (?server=, ?transport=): they all boot from the one cached page.
  precacheAndRoute(manifest, { ignoreURLParametersMatching: [/.*/] });
  const runtime = new Set((options.runtime ?? []).map((url) => new URL(url, self.location.href).href));
  if (runtime.size > 0) {
    registerRoute(({ url, request }) => request.method === 'GET' && runtime.has(url.href),
      new NetworkFirst({ cacheName: RUNTIME_CACHE, networkTimeoutSeconds: 3 }));
    self.addEventListener('install', (event) => {
      event.waitUntil(caches.open(RUNTIME_CACHE).then((cache) => cache.addAll([...runtime])).catch(() => {}));
    });
  }
  // The page decides when a new version takes over (workbox-window's messageSkipWaiting()).
  self.addEventListener('message', (event) => {
    if ((event.data as { type?: unknown } | null)?.type === 'SKIP_WAITING') void self.skipWaiting();
  });
}
