// The demo's service worker: the library's app shell, plus the demo's boot config.
import { installAppShell } from '../src/app-shell/service-worker.js';


installAppShell(self.__WB_MANIFEST, { runtime: ['/config.json'] });
