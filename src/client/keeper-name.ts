// What names a page's keeper: its SharedWorker, and in the fallback its leader lock and relay channel.

// 3: every call a Comlink call on the SharedWorker's port (`hello` first, the event port transferred
// with it); 2 was a protocol of the project's own. A page never joins a worker of another.
const WORKER_PROTOCOL_VERSION = 3;

/** What names this page's keeper: its SharedWorker, and in the fallback its leader lock and relay channel. */
export const keeperBase = (name: string | undefined): string => `${name ?? 'janus-keeper'}/v${WORKER_PROTOCOL_VERSION}`;

/**
 * The name of the keeper SharedWorker that `connect()` starts or joins with these options (`name`
 * and `extendedLifetime` as given to it). An app that wraps the keeper with Comlink itself opens
 * `new SharedWorker(workerUrl, { name: keeperWorkerName(), type: 'module', extendedLifetime: true })`
 * to share the keeper of its `connect()` pages.
 */
export function keeperWorkerName(options: { name?: string; extendedLifetime?: boolean } = {}): string {
  return `${keeperBase(options.name)}${(options.extendedLifetime ?? true) ? '/extended' : ''}`;
}
