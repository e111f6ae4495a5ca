// Leader election where there is no SharedWorker: the tab holding the Web Lock runs the keeper in
// a dedicated Worker; every other tab waits in the lock's queue, so when the leader goes away
// (closed, crashed, navigated away) the next tab in line starts the keeper at once.
import { JanusKeeperError } from '../janus/index.js';

export class Leadership {
  readonly #abort = new AbortController();
  #worker: Worker | undefined;
  #release: (() => void) | undefined;

  constructor(
    private readonly lockName: string,
    private readonly workerUrl: string | URL,
    /** The Worker's name: the keeper's name, from which it derives its relay channel. */
    private readonly workerName: string,
    /** This tab now leads: the previous leader is gone. */
    private readonly onLead: () => void,
    private readonly onError: (error: Error) => void = (error) => console.warn(`[janus-keeper] ${error.message}`),
  ) {}

  /** True while this tab leads (runs the keeper's Worker). */
  get isLeader(): boolean {
    return this.#worker !== undefined;
  }

  /** Joins the queue for the lock; the callback of the lock runs while this tab leads. */
  start(): void {
    navigator.locks.request(this.lockName, { signal: this.#abort.signal }, () => new Promise<void>((release) => {
      this.#release = release;
      this.onLead();
      this.#startWorker();
    })).catch(() => {}); // aborted by stop(): this tab left the queue
  }

  /** The Worker this tab runs now (an opaque token for `restart`), if it leads. */
  get worker(): object | undefined {
    return this.#worker;
  }

  /** This tab leads but its Worker `dead` died (crashed, closed): a new one, which the tabs say hello to. */
  restart(dead: object): void {
    if (!this.#worker || this.#worker !== dead) return;
    this.#worker.terminate();
    this.#startWorker();
  }

  #startWorker(): void {
    this.#worker = new Worker(this.workerUrl, { type: 'module', name: this.workerName });
    this.#worker.addEventListener('error', (event) =>
      this.onError(new JanusKeeperError(`the keeper's leader Worker failed: ${event.message || 'could not start'}`)));
  }

  /** Leaves the queue, or stops leading: the next tab in line takes over. */
  stop(): void {
    this.#abort.abort();
    this.#worker?.terminate();
    this.#worker = undefined;
    this.#release?.();
    this.#release = undefined;
  }
}
