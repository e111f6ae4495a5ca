// The classic script (`dist/browser/janus-keeper-janusjs.js`) a page loads right after janus.js:
//   <script src="janus-keeper-janusjs.js" data-worker-url="keeper-worker.js"></script>
// The worker URL defaults to `keeper-worker.js` in this script's own folder. With
// `data-token-url="/janus-token"` the keeper's token comes from that URL (fetched with the page's
// cookies, its body the token) whenever the keeper needs a fresh one. The keeper worker starts here,
// before the app's first `new Janus` (which then joins it).
import { prestartKeeper } from '../client/prestart.js';
import { useKeeper, type JanusGlobal } from './use-keeper.js';

const script = document.currentScript as HTMLScriptElement | null;
const workerUrl = script?.dataset['workerUrl']
  ? new URL(script.dataset['workerUrl'], location.href).href
  : new URL('keeper-worker.js', script?.src || location.href).href;
const tokenUrl = script?.dataset['tokenUrl'] ? new URL(script.dataset['tokenUrl'], location.href).href : undefined;
const token = tokenUrl === undefined ? {} : {
  token: async () => {
    const response = await fetch(tokenUrl, { credentials: 'include', cache: 'no-store' });
    if (!response.ok) throw new Error(`the token URL answered HTTP ${response.status}`);
    return (await response.text()).trim();
  },
};
const Janus = (globalThis as { Janus?: JanusGlobal }).Janus;
if (Janus) {
  prestartKeeper(workerUrl);
  useKeeper(Janus, { workerUrl, ...token, ...(script?.dataset['debug'] !== undefined ? { connect: { debug: true } } : {}) });
} else console.error('[janus-keeper] janus-keeper-janusjs.js must be loaded after janus.js (no global Janus)');
