import { Emitter } from '../emitter.js';
import { JanusError, JanusErrorCode, TimeoutError, TransportError } from '../errors.js';
import { isMessage, type JanusMessage, type JanusRequest } from '../protocol.js';
import type { FetchLike, Transport, TransportEvents, TransportOptions } from './transport.js';

/** Janus answers an idle long-poll after 30 s; wait a little longer before calling it stalled. */
const LONG_POLL_GRACE_MS = 15_000;
const LONG_POLL_IDLE_MS = 30_000;
const MAX_EVENTS_PER_POLL = 10;

/**
 * Janus's REST API: one POST per request (to `/janus`, `/janus/<session>` or
 * `/janus/<session>/<handle>`) and one long-poll GET loop per session for its events.
 * A failed or stalled long-poll means the link is gone.
 */
export class HttpTransport extends Emitter<TransportEvents> implements Transport {
  readonly kind = 'http' as const;
  readonly #base: string;
  readonly #fetch: FetchLike;
  readonly #logger: TransportOptions['logger'];
  readonly #maxFrameBytes: number;
  readonly #clock: TransportOptions['clock'];
  readonly #requests = new Set<AbortController>();
  #poll: AbortController | undefined;
  #closed = false;
  readonly #credentials: TransportOptions['credentials'];

  private constructor(base: string, fetchImpl: FetchLike, options: TransportOptions) {
    super();
    this.#base = base.replace(/\/+$/, '');
    this.#fetch = fetchImpl;
    this.#logger = options.logger;
    this.#maxFrameBytes = options.maxFrameBytes;
    this.#clock = options.clock;
    this.#credentials = options.credentials;
  }

  static async open(url: string, options: TransportOptions): Promise<HttpTransport> {
    const fetchImpl = options.fetch ?? (globalThis.fetch?.bind(globalThis) as FetchLike | undefined);
    if (!fetchImpl) throw new TransportError('No fetch implementation: pass options.fetch');
    return new HttpTransport(url, fetchImpl, options);
  }

  get isClosed(): boolean {
    return this.#closed;
  }

  async send(request: JanusRequest, timeoutMs: number): Promise<JanusMessage> {
    if (this.#closed) throw new TransportError(`Cannot send ${request.janus}: the transport is closed`);
    const { session_id, handle_id, ...body } = request;
    let path = '';
    if (session_id !== undefined) path += `/${session_id}`;
    if (handle_id !== undefined) path += `/${handle_id}`;
    const answer = await this.#exchange(this.#base + path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }, timeoutMs, request.janus).catch((error: unknown) => {
      // Janus's HTTP transport may refuse a request with a bare 403 before its core reads it.
      if (error instanceof JanusError && error.code === JanusErrorCode.Unauthorized) {
        return { janus: 'error', transaction: request.transaction, error: { code: error.code, reason: error.reason } };
      }
      throw error;
    });
    if (answer.transaction !== request.transaction && answer.janus !== 'error') {
      this.#logger.warn(`"${request.janus}" was answered for another transaction`);
    }
    return answer;
  }

  listen(sessionId: number): void {
    if (this.#closed || this.#poll) return;
    this.#poll = new AbortController();
    void this.#pollLoop(sessionId, this.#poll);
  }

  stopListening(): void {
    const poll = this.#poll;
    this.#poll = undefined;
    poll?.abort(new TransportError('Stopped listening'));
  }

  close(reason = new TransportError('Transport closed')): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#poll?.abort(reason);
    for (const controller of this.#requests) controller.abort(reason);
    this.#requests.clear();
    this.emit('close', reason);
  }

  async #pollLoop(sessionId: number, controller: AbortController): Promise<void> {
    let renewedFor: string | undefined;
    while (!this.#closed && !controller.signal.aborted) {
      // Janus's own protocol puts the long-poll's token in its query string (a GET has no body).
      const query = new URLSearchParams({ maxev: String(MAX_EVENTS_PER_POLL) });
      const credentials = this.#credentials?.fields() ?? {};
      if (credentials.token) query.set('token', credentials.token);
      if (credentials.apisecret) query.set('apisecret', credentials.apisecret);
      let body: unknown;
      try {
        body = await this.#fetchJson(`${this.#base}/${sessionId}?${query}`, { method: 'GET' },
          LONG_POLL_IDLE_MS + LONG_POLL_GRACE_MS, 'long-poll', controller);
      } catch (error) {
        // A refused token (a bare 403): once per token, a fresh one and the poll again.
        const refused = error instanceof JanusError && error.code === JanusErrorCode.Unauthorized;
        if (refused && this.#credentials && renewedFor !== credentials.token && !this.#closed && this.#poll === controller) {
          renewedFor = credentials.token;
          try {
            await this.#credentials.renew(credentials.token);
            continue;
          } catch (renewError) {
            error = renewError;
          }
        }
        // A failed long-poll means a dead link, unless the poll was stopped on purpose.
        if (!this.#closed && this.#poll === controller) {
          this.close(error instanceof TransportError ? error : new TransportError('Long-poll failed', { cause: error }));
        }
        return;
      }
      for (const message of Array.isArray(body) ? body : [body]) {
        if (!isMessage(message)) {
          this.#logger.warn('dropped a long-poll item that is not a Janus JSON object');
        } else if (message.janus !== 'keepalive') {
          this.emit('message', message);
        }
      }
    }
  }

  async #exchange(url: string, init: RequestInit, timeoutMs: number, what: string): Promise<JanusMessage> {
    const controller = new AbortController();
    this.#requests.add(controller);
    try {
      const body = await this.#fetchJson(url, init, timeoutMs, what, controller);
      if (!isMessage(body)) throw new TransportError(`${what}: Janus's answer is not a Janus JSON object`);
      return body;
    } finally {
      this.#requests.delete(controller);
    }
  }

  async #fetchJson(url: string, init: RequestInit, timeoutMs: number, what: string,
    controller: AbortController): Promise<unknown> {
    let timedOut = false;
    const timer = this.#clock.setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    try {
      const response = await this.#fetch(url, { ...init, signal: controller.signal });
      const limit = this.#maxFrameBytes * MAX_EVENTS_PER_POLL;
      if (Number(response.headers.get('content-length') ?? 0) > limit) {
        controller.abort();
        throw new TransportError(`${what}: Janus's answer is over the ${limit}-character limit`);
      }
      const text = await response.text();
      if (response.status === 403) throw new JanusError(JanusErrorCode.Unauthorized, `${what}: Janus refused the token (HTTP 403)`);
      if (!response.ok) throw new TransportError(`${what}: HTTP ${response.status} from Janus`);
      if (text.length > limit) throw new TransportError(`${what}: Janus's answer is over the ${limit}-character limit`);
      try {
        return JSON.parse(text);
      } catch {
        throw new TransportError(`${what}: Janus's answer is not JSON`);
      }
    } catch (error) {
      if (timedOut) throw new TimeoutError(`${what}: no answer from Janus within ${timeoutMs} ms`, timeoutMs);
      if (error instanceof TransportError || error instanceof JanusError) throw error;
      const reason = controller.signal.reason;
      if (reason instanceof TransportError) throw reason;
      throw new TransportError(`${what}: cannot reach Janus`, { cause: error });
    } finally {
      this.#clock.clearTimeout(timer);
    }
  }
}
