// The classic script (`dist/browser/janus-keeper-janusjs.js`) a page loads right after janus.js:
//   <script src="janus-keeper-janusjs.js" data-worker-url="keeper-worker.js"></script>
// The worker URL defaults to `keeper-worker.js` in this script's own folder.
import { useKeeper, type JanusGlobal } from './use-keeper.js';

const script = document.currentScript as HTMLScriptElement | null;
const workerUrl = script?.dataset['workerUrl']
  ? new URL(script.dataset['workerUrl'], location.href).href
  : new URL('keeper-worker.js', script?.src || location.href).href;
const Janus = (globalThis as { Janus?: JanusGlobal }).Janus;
if (Janus) useKeeper(Janus, { workerUrl, ...(script?.dataset['debug'] !== undefined ? { connect: { debug: true } } : {}) });
else console.error('[janus-keeper] janus-keeper-janusjs.js must be loaded after janus.js (no global Janus)');
