// Starting the keeper worker before `connect()`: where the page knows the worker's URL before its
// bundle has loaded (the janus.js adapter's script tag; the bench's keeper-prestart script).
import { keeperWorkerName } from './keeper-name.js';

/** Starts (or finds) the keeper SharedWorker that `connect()` with these options will join. */
export function prestartKeeper(workerUrl: string, options: { name?: string; extendedLifetime?: boolean } = {}): void {
  if (typeof SharedWorker !== 'function') return; // the leader tab's fallback starts its worker itself
  const extendedLifetime = options.extendedLifetime ?? true;
  const worker = new SharedWorker(workerUrl, { name: keeperWorkerName({ ...options, extendedLifetime }), type: 'module',
    extendedLifetime } as WorkerOptions);
  // The keeper serves the pages that say hello; this port never will.
  worker.port.close();
}
