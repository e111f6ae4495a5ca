// Firefox (ESR 153) can hand every `new SharedWorker(url, { name })` to a keeper worker that closed
// itself and will never answer, for as long as pages keep asking for it (the soak found tabs
// reconnecting for good). A page whose hello to a worker of that name goes unanswered moves on to
// the next name of its base (`base`, `base~`, `base~~`...). Each keeper SharedWorker holds a Web
// Lock named for its worker name while it lives, so pages find the live one by its lock and meet
// there; with none alive they all take the next name, and meet there too.

const PREFIX = 'janus-keeper:shared-worker:';

/** The lock a keeper SharedWorker named `workerName` holds for its life. */
export const workerNameLock = (workerName: string): string => PREFIX + workerName;

/** The worker name to try after `current` did not answer: the newest live one of `base`, else the next. */
export function nextWorkerName(base: string, current: string, heldLocks: readonly string[]): string {
  const live = heldLocks.filter((lock) => lock.startsWith(PREFIX + base) && /^~*$/.test(lock.slice(PREFIX.length + base.length))
    && lock !== PREFIX + current);
  return live.sort((a, b) => b.length - a.length)[0]?.slice(PREFIX.length) ?? `${current}~`;
}

/** `nextWorkerName` from this origin's held Web Locks (none readable: the next name). */
export async function leaveSilentWorker(base: string, current: string): Promise<string> {
  const held = await navigator.locks?.query().then((locks) => (locks.held ?? []).map((lock) => lock.name ?? ''), () => []);
  return nextWorkerName(base, current, held ?? []);
}
