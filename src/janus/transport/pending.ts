import { systemClock, type Clock } from '../clock.js';
import { TimeoutError, TransportError } from '../errors.js';
import type { JanusMessage } from '../protocol.js';

interface Pending {
  resolve(message: JanusMessage): void;
  reject(error: Error): void;
  timer: unknown;
}

/**
 * Requests waiting for their answer, keyed by transaction. Every entry has a deadline, and
 * `rejectAll` settles whatever is left when the owner (a socket, a session) goes away.
 */
export class PendingTransactions {
  readonly #pending = new Map<string, Pending>();

  constructor(private readonly clock: Clock = systemClock) {}

  get size(): number {
    return this.#pending.size;
  }

  has(transaction: string): boolean {
    return this.#pending.has(transaction);
  }

  wait(transaction: string, timeoutMs: number, what: string): Promise<JanusMessage> {
    return new Promise<JanusMessage>((resolve, reject) => {
      const timer = this.clock.setTimeout(() => {
        this.#pending.delete(transaction);
        reject(new TimeoutError(`${what}: no answer from Janus within ${timeoutMs} ms`, timeoutMs));
      }, timeoutMs);
      this.#pending.set(transaction, { resolve, reject, timer });
    });
  }

  /** Settles the transaction's waiter with this frame; false when nobody waits for it. */
  resolve(transaction: string, message: JanusMessage): boolean {
    const pending = this.#take(transaction);
    pending?.resolve(message);
    return pending !== undefined;
  }

  reject(transaction: string, error: Error): boolean {
    const pending = this.#take(transaction);
    pending?.reject(error);
    return pending !== undefined;
  }

  /** Forgets the waiter without settling it (its answer turned out not to be needed). */
  discard(transaction: string): void {
    this.#take(transaction);
  }

  rejectAll(error: TransportError): void {
    for (const transaction of [...this.#pending.keys()]) this.reject(transaction, error);
  }

  #take(transaction: string): Pending | undefined {
    const pending = this.#pending.get(transaction);
    if (!pending) return undefined;
    this.clock.clearTimeout(pending.timer);
    this.#pending.delete(transaction);
    return pending;
  }
}
