// The demo's service worker: the library's app shell, plus the demo's boot config.
import { installAppShell } from '../src/worker/service-worker.js';

declare const self: { __WB_MANIFEST: Parameters<typeof installAppShell>[0] };

installAppShell(self.__WB_MANIFEST, { runtime: ['/config.json'] });
