// A fake fetch onto the Janus model: Janus's REST API (POST /janus[/<session>[/<handle>]], and the
// long-poll GET /janus/<session>) over the scheduler's network. Each request is a short exchange
// on the network (it can be refused, blackholed or dropped before or after Janus gets it); events
// wait in a queue per session until a long-poll takes them. Janus never learns that an HTTP client
// went away: only the session timeout ends an HTTP session.
import type { FetchLike, JanusMessage } from '../../src/janus/index.js';
import { SimSocket, type SimNetwork } from './fake-websocket.js';

/** Janus answers an idle long-poll with a keepalive after this long. */
const LONG_POLL_MS = 30_000;
const ANSWERS = new Set(['success', 'error', 'ack', 'server_info']);

interface Clock {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(timer: unknown): void;
}

/** What Janus has for HTTP clients: events per session, and the long-polls waiting for them. */
class EventHub {
  readonly #events = new Map<number, JanusMessage[]>();
  readonly #polls = new Map<number, { exchange: HttpExchange; maxev: number; timer: unknown }>();

  constructor(private readonly network: SimNetwork, private readonly clock: Clock) {}

  push(frame: JanusMessage): void {
    const sessionId = frame.session_id;
    if (typeof sessionId !== 'number') return;
    const queue = this.#events.get(sessionId) ?? [];
    queue.push(frame);
    this.#events.set(sessionId, queue);
    this.#answerPoll(sessionId);
  }

  poll(exchange: HttpExchange, sessionId: number, maxev: number): void {
    const model = this.network.model;
    if (!model.isAlive(sessionId)) {
      exchange.answer({ janus: 'error', session_id: sessionId, error: { code: 458, reason: `No such session ${sessionId}` } });
      return;
    }
    model.touch(sessionId); // a long-poll is activity, as a keepalive is
    const previous = this.#polls.get(sessionId);
    if (previous) this.clock.clearTimeout(previous.timer);
    const timer = this.clock.setTimeout(() => {
      if (this.#polls.get(sessionId)?.exchange !== exchange) return;
      this.#polls.delete(sessionId);
      exchange.answer({ janus: 'keepalive' });
    }, LONG_POLL_MS);
    this.#polls.set(sessionId, { exchange, maxev, timer });
    this.#answerPoll(sessionId);
  }

  #answerPoll(sessionId: number): void {
    const poll = this.#polls.get(sessionId);
    const queue = this.#events.get(sessionId);
    if (!poll || !queue || queue.length === 0) return;
    this.#polls.delete(sessionId);
    this.clock.clearTimeout(poll.timer);
    poll.exchange.answer(queue.splice(0, poll.maxev));
  }
}

/** One HTTP request and its answer, as a short-lived link of the network. */
class HttpExchange extends SimSocket {
  #answered = false;

  override tellsJanusWhenGone = false;

  constructor(network: SimNetwork, url: string, private readonly hub: EventHub, private readonly request: JanusMessage) {
    super(network, url);
    // The client sends when it calls fetch (the request may then wait for its connect, or never go).
    this.requests.set(typeof request.transaction === 'string' ? request.transaction : `poll-${this.linkId}`, request);
    network.record(this, 'sent', request);
    network.observer.sent?.(this, request);
  }

  override send(data: string): void {
    this.network.enqueue({ socket: this, direction: 'up', kind: 'frame', data });
  }

  override arrive(request: JanusMessage): void {
    if (request.janus === 'poll') this.hub.poll(this, request.session_id!, Number(request['maxev']) || 1);
    else super.arrive(request);
  }

  /** The model answers on this link; whatever is not the answer to this request is an event. */
  override deliver(frame: JanusMessage): void {
    const mine = !this.#answered && ANSWERS.has(frame.janus) && frame.transaction === this.request.transaction;
    if (mine) this.answer(frame);
    else this.hub.push(frame);
  }

  answer(body: JanusMessage | JanusMessage[]): void {
    if (this.#answered) return;
    this.#answered = true;
    super.deliver(Array.isArray(body) ? ({ janus: 'events', list: body } as JanusMessage) : body);
  }
}

/** Janus's HTTP side is one per network: a new worker's client talks to the same event queues. */
const hubs = new WeakMap<SimNetwork, EventHub>();

/** The fetch of an HTTP client of the model; nothing it starts once `dead()` goes anywhere. */
export function simFetch(network: SimNetwork, clock: Clock, dead: () => boolean = () => false): FetchLike {
  const hub = hubs.get(network) ?? new EventHub(network, clock);
  hubs.set(network, hub);
  return (input, init) => new Promise<Response>((resolve, reject) => {
    if (dead()) return;
    const url = new URL(input);
    const [, sessionPart, handlePart] = url.pathname.replace(/^\/janus/, '').split('/');
    const sessionId = sessionPart ? Number(sessionPart) : undefined;
    const handleId = handlePart ? Number(handlePart) : undefined;
    const body = init?.method === 'GET' || init?.body === undefined
      ? { janus: 'poll', maxev: url.searchParams.get('maxev') ?? '1', token: url.searchParams.get('token') ?? undefined }
      : JSON.parse(String(init.body)) as JanusMessage;
    const request: JanusMessage = { ...body, ...(sessionId ? { session_id: sessionId } : {}), ...(handleId ? { handle_id: handleId } : {}) };
    const exchange = new HttpExchange(network, input, hub, request);
    const fail = (error: unknown) => {
      exchange.onopen = exchange.onmessage = exchange.onclose = exchange.onerror = null;
      exchange.close();
      reject(error);
    };
    init?.signal?.addEventListener('abort', () => fail(init.signal!.reason ?? new DOMException('aborted', 'AbortError')), { once: true });
    exchange.onopen = () => exchange.send(JSON.stringify(request));
    exchange.onerror = () => fail(new TypeError('fetch failed'));
    exchange.onclose = () => fail(new TypeError('fetch failed'));
    exchange.onmessage = ({ data }) => {
      const frame = JSON.parse(String(data)) as JanusMessage;
      const text = frame.janus === 'events' ? JSON.stringify(frame['list']) : String(data);
      exchange.onopen = exchange.onmessage = exchange.onclose = exchange.onerror = null;
      exchange.close();
      resolve(new Response(text, { status: 200, headers: { 'content-type': 'application/json' } }));
    };
  });
}
