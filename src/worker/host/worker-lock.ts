// A Web Lock this worker holds for each page until the worker dies or the page leaves: the page
// queues for it and so learns at once that the worker is gone (closed by the browser, crashed,
// restarted), without waiting for a call. One lock per page, so a frozen page, which cannot run
// its granted callback, never stands in line in front of another page's request.

export interface HeldWorkerLock {
  name: string;
  release(): void;
}

/** The lock once it is held (undefined where there are no Web Locks). */
export function holdWorkerLock(): Promise<HeldWorkerLock | undefined> {
  const locks = (globalThis.navigator as Navigator | undefined)?.locks;
  if (!locks) return Promise.resolve(undefined);
  const name = `janus-keeper:worker:${crypto.randomUUID()}`;
  return new Promise((held) => {
    void locks.request(name, () => new Promise<void>((release) => held({ name, release: () => release() })));
  });
}
