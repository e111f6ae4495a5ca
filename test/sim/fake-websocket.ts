// A fake WebSocket onto the Janus model, with the network between them under the scheduler's
// control: every connect, frame and close is a delivery that waits in a queue until the scheduler
// delivers it (per socket and direction in order, as TCP does), so a link can be refused,
// blackholed or dropped before or after any request reaches Janus and any answer reaches the client.
import type { JanusMessage, WebSocketConstructor, WebSocketLike } from '../../src/janus/index.js';
import type { JanusModel, Link } from './janus-model.js';

const CONNECTING = 0;
const OPEN = 1;
const CLOSED = 3;

export type ConnectFault = 'refuse' | 'blackhole';

export interface Delivery {
  socket: SimSocket;
  /** up: towards Janus; down: towards the client. */
  direction: 'up' | 'down';
  kind: 'connect' | 'frame' | 'close';
  data?: string;
  /** When it was put on the wire (epoch ms). */
  sentAt?: number;
}

/** What the invariants watch on the wire. */
export interface NetworkObserver {
  /** The client sent a request (it may never arrive). */
  sent?(socket: SimSocket, request: JanusMessage): void;
  /** A frame reached the client, `delayMs` after Janus sent it. */
  received?(socket: SimSocket, frame: JanusMessage, delayMs: number): void;
  /** The network closed a link on the client (dropped, refused). */
  closed?(socket: SimSocket): void;
  /** A request reached Janus `delayMs` after the client sent it. */
  arrived?(socket: SimSocket, request: JanusMessage, delayMs: number): void;
}

export class SimSocket implements WebSocketLike, Link {
  readonly linkId: number;
  readyState = CONNECTING;
  readonly protocol = 'janus-protocol';
  onopen: ((event: unknown) => void) | null = null;
  onclose: ((event: { code: number; reason: string }) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  /** Janus holds this connection (accepted, not yet gone). */
  serverOpen = false;
  /** Frames in either direction vanish (a half-open link, or a blackholed connect). */
  blackholed = false;
  /** Since when it is blackholed (awake ms). */
  blackholedAt = 0;
  /** A WebSocket's end is a transport gone for Janus; an HTTP request's end is not. */
  tellsJanusWhenGone = true;
  /** The client was told it closed, or closed it itself. */
  clientClosed = false;
  /** Session ids whose create/claim succeeded on this link, as the client saw it. */
  readonly sessions = new Set<number>();
  /** What each transaction sent on this link asked for. */
  readonly requests = new Map<string, JanusMessage>();

  /** When the client opened it (epoch ms). */
  readonly openedAt: number;

  constructor(readonly network: SimNetwork, readonly url: string) {
    this.linkId = network.sockets.length + 1;
    this.openedAt = network.now();
    network.sockets.push(this);
    network.enqueue({ socket: this, direction: 'up', kind: 'connect' });
  }

  send(data: string): void {
    if (this.readyState !== OPEN) throw new Error('InvalidStateError: the socket is not open');
    const request = JSON.parse(data) as JanusMessage;
    if (typeof request.transaction === 'string') this.requests.set(request.transaction, request);
    this.network.record(this, 'sent', request);
    this.network.observer.sent?.(this, request);
    this.network.enqueue({ socket: this, direction: 'up', kind: 'frame', data });
  }

  close(): void {
    if (this.readyState === CLOSED) return;
    this.readyState = CLOSED;
    this.clientClosed = true;
    this.network.enqueue({ socket: this, direction: 'up', kind: 'close' });
  }

  /** A request reached Janus. */
  arrive(request: JanusMessage): void {
    this.network.model.receive(this, request);
  }

  /** Link: Janus sends a frame to the client. */
  deliver(frame: JanusMessage): void {
    if (!this.serverOpen) return;
    this.network.enqueue({ socket: this, direction: 'down', kind: 'frame', data: JSON.stringify(frame) });
  }

  /** True while the client may still use it: open, and not told that it closed. */
  get usable(): boolean {
    return this.readyState === OPEN && !this.clientClosed;
  }
}

/** One request or frame on the wire: sent by the client, arrived at Janus, or received by the client. */
export interface WireEvent {
  linkId: number;
  what: 'sent' | 'arrived' | 'received';
  janus: string;
  at: number;
  code?: number;
}

export class SimNetwork {
  readonly sockets: SimSocket[] = [];
  readonly wire: WireEvent[] = [];
  readonly queue: Delivery[] = [];
  /** Applied to the next connects, in order. */
  readonly connectFaults: ConnectFault[] = [];
  observer: NetworkObserver = {};
  readonly WebSocket: WebSocketConstructor;

  constructor(readonly model: JanusModel, private readonly awake: () => number, readonly now: () => number) {
    const network = this;
    this.WebSocket = class extends SimSocket {
      constructor(url: string) {
        super(network, url);
      }
    } as unknown as WebSocketConstructor;
  }

  record(socket: SimSocket, what: WireEvent['what'], message: JanusMessage): void {
    const event: WireEvent = { linkId: socket.linkId, what, janus: message.janus, at: this.now() };
    if (message.error) event.code = message.error.code;
    this.wire.push(event);
  }

  enqueue(delivery: Delivery): void {
    this.queue.push({ ...delivery, sentAt: this.now() });
  }

  /** The deliveries that may go next: the first of each socket and direction. */
  heads(): number[] {
    const seen = new Set<string>();
    const heads: number[] = [];
    this.queue.forEach((delivery, index) => {
      const key = `${delivery.socket.linkId}${delivery.direction}`;
      if (seen.has(key)) return;
      seen.add(key);
      heads.push(index);
    });
    return heads;
  }

  /** Delivers queue entry `index` (one of `heads()`); returns what happened, for the trace. */
  deliver(index: number): string {
    const [delivery] = this.queue.splice(index, 1);
    if (!delivery) return 'nothing';
    const { socket } = delivery;
    const name = `link ${socket.linkId}`;
    if (delivery.direction === 'up') {
      if (delivery.kind === 'connect') return this.#connect(socket);
      if (delivery.kind === 'close') {
        if (!socket.serverOpen || socket.blackholed) return `${name}: close lost`;
        socket.serverOpen = false;
        if (socket.tellsJanusWhenGone) this.model.linkGone(socket);
        return `${name}: Janus sees the client close`;
      }
      const request = JSON.parse(delivery.data!) as JanusMessage;
      if (!socket.serverOpen || socket.blackholed) return `${name}: ${request.janus} lost`;
      this.record(socket, 'arrived', request);
      this.observer.arrived?.(socket, request, this.now() - (delivery.sentAt ?? this.now()));
      socket.arrive(request);
      return `${name}: Janus gets ${request.janus}`;
    }
    if (delivery.kind === 'connect') {
      if (socket.clientClosed) return `${name}: open too late`;
      socket.readyState = OPEN;
      socket.onopen?.({});
      return `${name}: opened`;
    }
    if (delivery.kind === 'close') {
      if (socket.clientClosed) return `${name}: close after the client closed`;
      socket.readyState = CLOSED;
      socket.clientClosed = true;
      this.observer.closed?.(socket);
      socket.onerror?.({});
      socket.onclose?.({ code: 1006, reason: '' });
      return `${name}: client sees the close`;
    }
    const frame = JSON.parse(delivery.data!) as JanusMessage;
    if (socket.clientClosed || socket.blackholed) return `${name}: ${frame.janus} lost`;
    const asked = typeof frame.transaction === 'string' ? socket.requests.get(frame.transaction) : undefined;
    if (frame.janus === 'success' && asked?.janus === 'create' && typeof frame.data?.id === 'number') socket.sessions.add(frame.data.id);
    if (frame.janus === 'success' && asked?.janus === 'claim' && typeof asked.session_id === 'number') socket.sessions.add(asked.session_id);
    this.record(socket, 'received', frame);
    this.observer.received?.(socket, frame, this.now() - (delivery.sentAt ?? this.now()));
    socket.onmessage?.({ data: delivery.data });
    return `${name}: client gets ${frame.janus}${frame.error ? ` ${frame.error.code}` : ''}`;
  }

  /** The network or Janus drops the link: what is in flight is lost, the client learns it later. */
  drop(socket: SimSocket): void {
    if (socket.serverOpen) {
      socket.serverOpen = false;
      if (socket.tellsJanusWhenGone) this.model.linkGone(socket);
    }
    for (let i = this.queue.length - 1; i >= 0; i--) {
      const delivery = this.queue[i]!;
      if (delivery.socket === socket && delivery.kind !== 'connect') this.queue.splice(i, 1);
    }
    if (!socket.clientClosed) this.enqueue({ socket, direction: 'down', kind: 'close' });
  }

  /**
   * The client side dies with its worker: the socket goes, frames not yet on the wire with it. Janus
   * sees the close unless the path is dead (half-open): then it never learns, and the session lives
   * for its session_timeout.
   */
  kill(socket: SimSocket): void {
    if (socket.serverOpen && !socket.blackholed) {
      socket.serverOpen = false;
      if (socket.tellsJanusWhenGone) this.model.linkGone(socket);
    }
    for (let i = this.queue.length - 1; i >= 0; i--) {
      if (this.queue[i]!.socket === socket) this.queue.splice(i, 1);
    }
    socket.onopen = socket.onmessage = socket.onclose = socket.onerror = null;
    socket.readyState = CLOSED;
    socket.clientClosed = true;
  }

  /** From now on nothing passes either way, and nobody is told (a half-open link). */
  blackhole(socket: SimSocket): void {
    if (socket.blackholed) return;
    socket.blackholed = true;
    socket.blackholedAt = this.awake();
  }

  /** Links the client may still use. */
  usable(): SimSocket[] {
    return this.sockets.filter((socket) => socket.usable);
  }

  #connect(socket: SimSocket): string {
    const name = `link ${socket.linkId}`;
    if (socket.clientClosed) return `${name}: connect abandoned`;
    const fault = this.connectFaults.shift();
    if (fault === 'refuse') {
      this.enqueue({ socket, direction: 'down', kind: 'close' });
      return `${name}: connect refused`;
    }
    if (fault === 'blackhole') {
      this.blackhole(socket);
      return `${name}: connect blackholed`;
    }
    socket.serverOpen = true;
    this.enqueue({ socket, direction: 'down', kind: 'connect' });
    return `${name}: Janus accepts`;
  }
}

