import { Emitter } from '../emitter.js';
import { TimeoutError, TransportError } from '../errors.js';
import { PendingTransactions } from './pending.js';
import { isResponse, parseFrame, type JanusMessage, type JanusRequest } from '../protocol.js';
import type { Transport, TransportEvents, TransportOptions, WebSocketLike } from './transport.js';

const OPEN = 1;

/** Janus over one WebSocket (subprotocol `janus-protocol`); transactions multiplexed on it. */
export class WebSocketTransport extends Emitter<TransportEvents> implements Transport {
  readonly kind = 'ws' as const;
  readonly #socket: WebSocketLike;
  readonly #pending: PendingTransactions;
  readonly #logger: TransportOptions['logger'];
  readonly #maxFrameBytes: number;
  #closed = false;

  private constructor(socket: WebSocketLike, options: TransportOptions) {
    super();
    this.#socket = socket;
    this.#pending = new PendingTransactions(options.clock);
    this.#logger = options.logger;
    this.#maxFrameBytes = options.maxFrameBytes;
    socket.onmessage = (event) => this.#receive(event.data);
    socket.onclose = (event) => this.close(new TransportError(`WebSocket closed (code ${event.code})`));
    socket.onerror = () => this.close(new TransportError('WebSocket error'));
  }

  static open(url: string, options: TransportOptions): Promise<WebSocketTransport> {
    const Impl = options.WebSocket ?? (globalThis as { WebSocket?: TransportOptions['WebSocket'] }).WebSocket;
    if (!Impl) {
      return Promise.reject(
        new TransportError('No WebSocket implementation: pass options.WebSocket (e.g. the `ws` package in Node 20)'),
      );
    }
    return new Promise((resolve, reject) => {
      let socket: WebSocketLike;
      try {
        socket = new Impl(url, 'janus-protocol');
      } catch (cause) {
        reject(new TransportError('Cannot open the WebSocket', { cause }));
        return;
      }
      const fail = (error: Error) => {
        options.clock.clearTimeout(timer);
        socket.onopen = socket.onclose = null;
        socket.onerror = () => {}; // closing a connecting socket reports an error (ws: an 'error' event)
        try {
          socket.close();
        } catch {
          // closing a socket that never opened may throw in some implementations
        }
        reject(error);
      };
      const timer = options.clock.setTimeout(
        () => fail(new TimeoutError(`WebSocket connect: no answer within ${options.connectTimeoutMs} ms`, options.connectTimeoutMs)),
        options.connectTimeoutMs,
      );
      socket.onerror = () => fail(new TransportError('WebSocket connection to Janus failed'));
      socket.onclose = (event) => fail(new TransportError(`WebSocket closed before it opened (code ${event.code})`));
      socket.onopen = () => {
        options.clock.clearTimeout(timer);
        resolve(new WebSocketTransport(socket, options));
      };
    });
  }

  get isClosed(): boolean {
    return this.#closed;
  }

  async send(request: JanusRequest, timeoutMs: number): Promise<JanusMessage> {
    if (this.#closed || this.#socket.readyState !== OPEN) {
      throw new TransportError(`Cannot send ${request.janus}: the WebSocket is closed`);
    }
    const answer = this.#pending.wait(request.transaction, timeoutMs, request.janus);
    try {
      this.#socket.send(JSON.stringify(request));
    } catch (cause) {
      this.#pending.reject(request.transaction, new TransportError(`Sending ${request.janus} failed`, { cause }));
    }
    return answer;
  }

  listen(): void {
    // Every frame of every session on this socket arrives anyway.
  }

  stopListening(): void {}

  close(reason = new TransportError('Transport closed')): void {
    if (this.#closed) return;
    this.#closed = true;
    const socket = this.#socket;
    socket.onmessage = socket.onclose = socket.onerror = null;
    try {
      socket.close(1000);
    } catch {
      // already closing
    }
    this.#pending.rejectAll(reason);
    this.emit('close', reason);
  }

  #receive(data: unknown): void {
    if (typeof data !== 'string') {
      this.#logger.warn('dropped a binary frame from Janus');
      return;
    }
    if (data.length > this.#maxFrameBytes) {
      this.#logger.warn(`dropped a frame of ${data.length} characters (limit ${this.#maxFrameBytes})`);
      return;
    }
    const message = parseFrame(data);
    if (!message) {
      this.#logger.warn('dropped a frame that is not a Janus JSON object');
      return;
    }
    if (isResponse(message)) {
      const transaction = message.transaction;
      if (typeof transaction !== 'string' || !this.#pending.resolve(transaction, message)) {
        this.#logger.warn(`dropped a "${message.janus}" frame for an unknown transaction`);
        if (typeof transaction === 'string') this.emit('late', message);
      }
      return;
    }
    this.emit('message', message);
  }
}
