// The classic script (`janus-keeper/keeper-prestart.js`) that starts the keeper worker from the
// page's <head>, before the app's bundle has loaded; `connect()` then joins that worker (the same
// URL and name) instead of starting it, and the worker's start runs while the bundle loads:
//   <script src="/keeper-prestart.js" data-worker-url="/keeper-worker.js" async></script>
// `data-name` and `data-extended-lifetime="false"` as given to `connect()`. Only where the worker's
// URL is fixed (a static copy): a URL that differs from `connect()`'s `workerUrl` starts a second worker.
import { prestartKeeper } from './prestart.js';

const script = document.currentScript as HTMLScriptElement | null;
if (script) {
  const { workerUrl, name, extendedLifetime } = script.dataset;
  prestartKeeper(new URL(workerUrl ?? 'keeper-worker.js', workerUrl ? location.href : script.src).href,
    { ...(name ? { name } : {}), extendedLifetime: extendedLifetime !== 'false' });
}
