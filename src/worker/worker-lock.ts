// A Web Lock this worker holds until it dies: pages queue for it and so learn at once that the
// worker is gone (closed by the browser, crashed, restarted), without waiting for a call.

/** The lock's name once it is held (undefined where there are no Web Locks). */
export function holdWorkerLock(): Promise<string | undefined> {
  const locks = (globalThis.navigator as Navigator | undefined)?.locks;
  if (!locks) return Promise.resolve(undefined);
  const name = `janus-keeper:worker:${crypto.randomUUID()}`;
  return new Promise((held) => {
    // Never released: the browser frees it when this worker ends.
    void locks.request(name, () => new Promise<void>(() => held(name)));
  });
}
