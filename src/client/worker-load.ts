import { JanusKeeperError } from '../janus/index.js';

/** The keeper worker's script did not load (404, wrong MIME type, a syntax error, blocked by CSP). */
export class WorkerLoadError extends JanusKeeperError {
  override name = 'WorkerLoadError';

  constructor(readonly url: string, detail?: string) {
    super(`the keeper worker at ${url} did not load${detail ? `: ${detail}` : ''} (is workerUrl the URL of janus-keeper's keeper-worker.js?)`);
  }
}

export interface LoadWatch {
  /** Rejects with `WorkerLoadError` when the worker reports an error; never resolves. */
  readonly failed: Promise<never>;
  stop(): void;
}

/** Watches a SharedWorker (or Worker) for the `error` event its failed script load fires. */
export function watchWorkerLoad(worker: EventTarget, url: string | URL): LoadWatch {
  let onError: (event: Event) => void = () => {};
  const failed = new Promise<never>((_, reject) => {
    onError = (event) => reject(new WorkerLoadError(String(url), (event as ErrorEvent).message || undefined));
  });
  failed.catch(() => {}); // observed by whoever races it
  worker.addEventListener('error', onError);
  return { failed, stop: () => worker.removeEventListener('error', onError) };
}
