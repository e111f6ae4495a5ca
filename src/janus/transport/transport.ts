import type { Clock } from '../clock.js';
import type { Credentials } from '../credentials/credentials.js';
import type { Emitter } from '../emitter.js';
import type { TransportError } from '../errors.js';
import type { JanusMessage, JanusRequest } from '../protocol.js';

/** `ws` (WebSocket) or `http` (REST with long-poll). */
export type TransportKind = 'ws' | 'http';

export interface TransportEvents {
  /** A frame that is not the answer to a pending request: plugin events, webrtcup, timeout... */
  message: JanusMessage;
  /** The link is gone (closed by either side, or found dead). Fired once. */
  close: TransportError;
  /** An answer to a request that had given up waiting (its deadline passed): Janus answered late. */
  late: JanusMessage;
}

/**
 * One link to one Janus server. Sends requests and hands out the frames that are not answers.
 * Reconnection is not its business: a closed transport stays closed.
 */
export interface Transport extends Emitter<TransportEvents> {
  readonly kind: TransportKind;
  readonly isClosed: boolean;
  /** Resolves with the first answer (success, error, ack) to the request's transaction. */
  send(request: JanusRequest, timeoutMs: number): Promise<JanusMessage>;
  /** Starts receiving the session's events (HTTP long-poll); a WebSocket receives them anyway. */
  listen(sessionId: number): void;
  /** Stops receiving events (HTTP: ends the long-poll quietly), e.g. before the session is destroyed. */
  stopListening(): void;
  /** Closes the link; pending requests reject with `TransportError`. Idempotent. */
  close(reason?: TransportError): void;
}

/**
 * An event handler property that also accepts a handler of a narrower event type (the `ws`
 * package's `(event: WebSocket.MessageEvent) => void`): method parameters are bivariant in
 * TypeScript, function-typed properties are not.
 */
type Handler<E> = { bivarianceHack(event: E): void }['bivarianceHack'];

/** The part of the WHATWG WebSocket a transport uses: the browser's, Node 22's or the `ws` package's. */
export interface WebSocketLike {
  readonly readyState: number;
  readonly protocol: string;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: Handler<unknown> | null;
  onclose: Handler<{ code: number; reason: string }> | null;
  onerror: Handler<unknown> | null;
  onmessage: Handler<{ data: unknown }> | null;
}

/** A WebSocket class: the global one, or the `ws` package's on Node 20. */
export type WebSocketConstructor = new (url: string, protocols?: string | string[]) => WebSocketLike;

/** The `fetch` the HTTP transport uses (Node 18+ and browsers have one). */
export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export interface TransportOptions {
  /** WebSocket implementation; defaults to `globalThis.WebSocket` (pass `ws` in Node 20). */
  WebSocket?: WebSocketConstructor;
  /** fetch implementation; defaults to `globalThis.fetch`. */
  fetch?: FetchLike;
  /** How long opening the link may take. */
  connectTimeoutMs: number;
  /** Larger frames are dropped unread. */
  maxFrameBytes: number;
  logger: { warn(message: string): void };
  /** Deadlines of connects and requests. */
  clock: Clock;
  /** What the HTTP long-poll carries (it is no request of the session's: it asks for a fresh token itself). */
  credentials?: Pick<Credentials, 'fields' | 'renew'>;
}

export function transportKindOf(server: string): TransportKind | undefined {
  if (/^wss?:\/\//i.test(server)) return 'ws';
  if (/^https?:\/\//i.test(server)) return 'http';
  return undefined;
}
