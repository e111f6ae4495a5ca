// The lean call protocol on a tab's own port (the one its events come on): one structured clone
// each way, no proxy round trip, no re-serialisation of Janus's frames. `hello` alone goes through
// Comlink, once per page; every call after it (message, trickle, attach...) is a `call` message
// answered by a `reply` on the same port, next to the keeper's events.
import type { KeeperCalls } from './api.js';
import { deserializeError, serializeError, type SerializedKeeperError } from './errors.js';
import { InvalidArgumentError, TransportError } from '../janus/index.js';

export type CallMethod = keyof KeeperCalls;

export const CALL_METHODS: ReadonlySet<string> = new Set<CallMethod>(['create', 'attach', 'message', 'trickle', 'hangup',
  'detach', 'state', 'online', 'destroy', 'goodbye', 'info']);

export interface CallRequest {
  kind: 'call';
  id: number;
  method: CallMethod;
  args: unknown[];
}

export type CallReply =
  | { kind: 'reply'; id: number; value: unknown }
  | { kind: 'reply'; id: number; error: SerializedKeeperError | { name: string; message: string } };

export function isCallReply(message: unknown): message is CallReply {
  return typeof message === 'object' && message !== null && (message as { kind?: unknown }).kind === 'reply';
}

function isCallRequest(message: unknown): message is CallRequest {
  return typeof message === 'object' && message !== null && (message as { kind?: unknown }).kind === 'call';
}

/** The worker's side: answers the calls that come on `port` with `endpoint`'s methods. */
export function serveCalls(port: MessagePort, endpoint: KeeperCalls): void {
  port.addEventListener('message', (message: MessageEvent<unknown>) => {
    const request = message.data;
    if (!isCallRequest(request)) return;
    const { id, method, args } = request;
    if (method === 'goodbye') {
      // The page leaves: its port closes with it, so the answer goes out first.
      port.postMessage({ kind: 'reply', id, value: undefined } satisfies CallReply);
      void endpoint.goodbye().catch(() => {});
      return;
    }
    let answer: Promise<unknown>;
    try {
      if (!CALL_METHODS.has(method) || !Array.isArray(args)) throw new InvalidArgumentError('unknown keeper call');
      answer = (endpoint[method] as (...callArgs: unknown[]) => Promise<unknown>).apply(endpoint, args);
    } catch (error) {
      answer = Promise.reject(error);
    }
    answer.then(
      (value) => port.postMessage({ kind: 'reply', id, value } satisfies CallReply),
      (error: unknown) => {
        const thrown = error instanceof Error ? error : new Error(String(error));
        port.postMessage({ kind: 'reply', id, error: serializeError(thrown) ?? { name: thrown.name, message: thrown.message } } satisfies CallReply);
      },
    );
  });
  port.start();
}

/** The page's side: calls over `port`; `receive` takes the replies that come back on it. */
export class PortCaller {
  readonly #pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  #nextId = 0;

  constructor(private readonly port: MessagePort) {}

  call(method: CallMethod, args: unknown[]): Promise<unknown> {
    const id = ++this.#nextId;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      try {
        this.port.postMessage({ kind: 'call', id, method, args } satisfies CallRequest);
      } catch (error) {
        this.#pending.delete(id);
        reject(error); // e.g. an argument that cannot be cloned
      }
    });
  }

  receive(reply: CallReply): void {
    const pending = this.#pending.get(reply.id);
    if (!pending) return;
    this.#pending.delete(reply.id);
    if ('error' in reply) {
      pending.reject('keeperError' in reply.error ? deserializeError(reply.error) : Object.assign(new Error(reply.error.message), { name: reply.error.name }));
    } else {
      pending.resolve(reply.value);
    }
  }

  /** The port is gone: calls still waiting reject (the link decides what the app sees). */
  close(): void {
    for (const { reject } of this.#pending.values()) reject(new TransportError('the keeper\'s port closed'));
    this.#pending.clear();
  }
}
