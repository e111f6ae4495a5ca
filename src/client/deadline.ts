import { TimeoutError } from '../janus/index.js';

/** A call to the keeper settles within `ms`: a worker that died would otherwise leave it hanging. */
export function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new TimeoutError(`${what}: the keeper did not answer within ${ms} ms`, ms)), ms);
    promise.then(resolve, reject).finally(() => clearTimeout(timer));
  });
}
