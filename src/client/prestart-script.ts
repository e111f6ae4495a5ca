// A classic script that starts the keeper worker from a page's <head>, before the page's bundle has
// loaded; `connect()` then joins that worker (the same URL and name):
//   <script src="keeper-prestart.js" data-worker-url="/keeper-worker.js" async></script>
// Built for the bench's reload row only (`?prestart=1`), which found no gain in it: not an export.
import { prestartKeeper } from './prestart.js';

const script = document.currentScript as HTMLScriptElement | null;
if (script) {
  const { workerUrl, name, extendedLifetime } = script.dataset;
  prestartKeeper(new URL(workerUrl ?? 'keeper-worker.js', workerUrl ? location.href : script.src).href,
    { ...(name ? { name } : {}), extendedLifetime: extendedLifetime !== 'false' });
}
