// The service worker half (lib "webworker"): the package ships the `__WB_MANIFEST` typing.
import { installAppShell } from 'janus-keeper/service-worker';

installAppShell(self.__WB_MANIFEST, { runtime: ['/config.json'] });
