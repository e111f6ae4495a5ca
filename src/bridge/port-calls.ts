// The lean call protocol on a tab's own port (the one its events come on): one structured clone
// each way, no proxy round trip, no re-serialisation of Janus's frames. `hello`, once per page, is a
// `hello` message on the SharedWorker's connect port that transfers the tab's own port; every call
// after it (message, trickle, attach...) is a `call` message answered by a `reply` on the tab's port,
// next to the keeper's events.
import type { KeeperCalls, KeeperEndpoint, KeeperState, TabHello } from './api.js';
import { deserializeError, serializeError, type SerializedKeeperError } from './errors.js';
import { InvalidArgumentError, TransportError } from '../janus/index.js';

export type CallMethod = keyof KeeperCalls;

export const CALL_METHODS: ReadonlySet<string> = new Set<CallMethod>(['create', 'attach', 'message', 'trickle', 'hangup',
  'detach', 'state', 'online', 'destroy', 'goodbye', 'info', 'setToken', 'answerToken']);

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

export interface HelloRequest {
  kind: 'hello';
  id: number;
  hello: TabHello;
}

function isCallRequest(message: unknown): message is CallRequest {
  return typeof message === 'object' && message !== null && (message as { kind?: unknown }).kind === 'call';
}

function replyTo(port: MessagePort, id: number, answer: Promise<unknown>): void {
  answer.then(
    (value) => port.postMessage({ kind: 'reply', id, value } satisfies CallReply),
    (error: unknown) => {
      const thrown = error instanceof Error ? error : new Error(String(error));
      port.postMessage({ kind: 'reply', id, error: serializeError(thrown) ?? { name: thrown.name, message: thrown.message } } satisfies CallReply);
    },
  );
}

/** The worker's side of `hello`: on a SharedWorker's connect port, the page's `hello` with its own port. */
export function serveHello(port: MessagePort, endpoint: Pick<KeeperEndpoint, 'hello'>): void {
  port.addEventListener('message', (message: MessageEvent<unknown>) => {
    const request = message.data as Partial<HelloRequest> | null;
    if (typeof request !== 'object' || request === null || request.kind !== 'hello') return;
    const id = typeof request.id === 'number' ? request.id : 0;
    let answer: Promise<unknown>;
    try {
      answer = endpoint.hello(request.hello as TabHello, message.ports[0] as MessagePort);
    } catch (error) {
      answer = Promise.reject(error);
    }
    replyTo(port, id, answer);
  });
  port.start();
}

/** The page's side of `hello`: sends it on `port` with `events` (the tab's own port) transferred. */
export function sayHello(port: MessagePort, hello: TabHello, events: MessagePort): Promise<KeeperState> {
  const caller = new PortCaller(port);
  port.onmessage = (message: MessageEvent<unknown>) => {
    if (isCallReply(message.data)) caller.receive(message.data);
  };
  return caller.send<KeeperState>({ kind: 'hello', id: 1, hello } satisfies HelloRequest, [events]);
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
    replyTo(port, id, answer);
  });
  port.start();
}

/** Who waits for a call's reply; `error` is set when the call failed. */
export interface PendingReply {
  settle(value: unknown, error: Error | undefined): void;
}

/** The page's side: calls over `port`; `receive` takes the replies that come back on it. */
export class PortCaller {
  readonly #pending = new Map<number, PendingReply>();
  #nextId = 0;

  constructor(private readonly port: MessagePort) {}

  /** A call whose reply goes to `pending`, with no promise of its own (a link's hot path). */
  post(method: CallMethod, args: unknown[], pending: PendingReply): void {
    const id = ++this.#nextId;
    this.#pending.set(id, pending);
    try {
      this.port.postMessage({ kind: 'call', id, method, args } satisfies CallRequest);
    } catch (error) {
      this.#pending.delete(id);
      pending.settle(undefined, error as Error); // e.g. an argument that cannot be cloned
    }
  }

  call(method: CallMethod, args: unknown[]): Promise<unknown> {
    return this.send({ kind: 'call', id: ++this.#nextId, method, args } satisfies CallRequest);
  }

  send<T>(request: CallRequest | HelloRequest, transfer: MessagePort[] = []): Promise<T> {
    return new Promise((resolve, reject) => {
      this.#pending.set(request.id, { settle: (value, error) => (error ? reject(error) : resolve(value as T)) });
      try {
        this.port.postMessage(request, transfer);
      } catch (error) {
        this.#pending.delete(request.id);
        reject(error); // e.g. an argument that cannot be cloned
      }
    });
  }

  receive(reply: CallReply): void {
    const pending = this.#pending.get(reply.id);
    if (!pending) return;
    this.#pending.delete(reply.id);
    if ('error' in reply) {
      pending.settle(undefined, 'keeperError' in reply.error ? deserializeError(reply.error)
        : Object.assign(new Error(reply.error.message), { name: reply.error.name }));
    } else {
      pending.settle(reply.value, undefined);
    }
  }

  /** The port is gone: calls still waiting fail (the link decides what the app sees). */
  close(): void {
    const waiting = [...this.#pending.values()];
    this.#pending.clear();
    for (const pending of waiting) pending.settle(undefined, new TransportError('the keeper\'s port closed'));
  }
}
