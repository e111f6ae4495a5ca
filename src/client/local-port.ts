// The keeper's events handed to the page's client without a second structured clone: a port-shaped
// object that calls the client's listener directly (and, like a MessagePort, keeps what comes before
// the listener is set). The one clone an event costs is the worker's postMessage.
import type { PageNotice, TabEvent } from '../bridge/api.js';

/** What `KeeperClient` uses of its event port: a MessagePort is one, and so is a `LocalEventPort`. */
export interface EventPort {
  onmessage: ((event: MessageEvent<TabEvent>) => void) | null;
  postMessage(notice: PageNotice): void;
  close(): void;
}

export class LocalEventPort implements EventPort {
  #listener: ((event: MessageEvent<TabEvent>) => void) | null = null;
  #queue: TabEvent[] = [];
  #closed = false;

  /** `onNotice` gets what the page says back (`leaving`). */
  constructor(private readonly onNotice: (notice: PageNotice) => void) {}

  get onmessage(): ((event: MessageEvent<TabEvent>) => void) | null {
    return this.#listener;
  }

  set onmessage(listener: ((event: MessageEvent<TabEvent>) => void) | null) {
    this.#listener = listener;
    const queued = this.#queue;
    this.#queue = [];
    for (const event of queued) this.deliver(event);
  }

  deliver(event: TabEvent): void {
    if (this.#closed) return;
    if (this.#listener) this.#listener({ data: event } as MessageEvent<TabEvent>);
    else this.#queue.push(event);
  }

  postMessage(notice: PageNotice): void {
    if (!this.#closed) this.onNotice(notice);
  }

  close(): void {
    this.#closed = true;
    this.#queue = [];
  }
}
