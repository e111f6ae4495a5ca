// What janus.js gets from `newWebSocket` once the keeper is in: a WebSocket-shaped object whose
// frames go to the keeper (one FrameSession each) instead of to Janus.
import type { Frame, FrameSession } from './frames.js';

const OPEN = 1;
const CLOSED = 3;

export class KeeperSocket extends EventTarget {
  static readonly CONNECTING = 0;
  static readonly OPEN = OPEN;
  static readonly CLOSING = 2;
  static readonly CLOSED = CLOSED;
  readonly protocol = 'janus-protocol';
  readonly extensions = '';
  binaryType = 'blob';
  readyState = 0;
  onopen: ((event: Event) => void) | null = null;
  onmessage: ((event: MessageEvent) => void) | null = null;
  onclose: ((event: CloseEvent | Event) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;
  #session: FrameSession | undefined;

  /** `bind` gives the socket its session; `closed` runs once when janus.js closes it. */
  constructor(
    readonly url: string,
    bind: (socket: KeeperSocket) => FrameSession,
    private readonly closed: (session: FrameSession) => void,
  ) {
    super();
    this.#session = bind(this);
    // janus.js adds its listeners right after `newWebSocket` returns.
    setTimeout(() => {
      if (this.readyState !== 0) return;
      this.readyState = OPEN;
      this.#fire(new Event('open'), this.onopen);
    }, 0);
  }

  send(text: string): void {
    if (this.readyState !== OPEN || !this.#session) throw new DOMException('The socket is not open', 'InvalidStateError');
    let frame: Frame;
    try {
      frame = JSON.parse(text) as Frame;
    } catch {
      return;
    }
    if (typeof frame === 'object' && frame !== null && typeof frame.janus === 'string') void this.#session.request(frame);
  }

  /** A frame from the keeper's side, as if Janus had sent it. */
  deliver(frame: Frame): void {
    if (this.readyState !== OPEN) return;
    this.#fire(new MessageEvent('message', { data: JSON.stringify(frame) }), this.onmessage);
  }

  close(): void {
    if (this.readyState === CLOSED) return;
    this.readyState = CLOSED;
    const session = this.#session;
    this.#session = undefined;
    if (session) this.closed(session);
    this.#fire(new Event('close'), this.onclose);
  }

  /** The keeper lost the session for good: janus.js sees its link close (its `error` callback). */
  lost(): void {
    this.close();
  }

  #fire(event: Event, handler: ((event: never) => void) | null): void {
    handler?.call(this, event as never);
    this.dispatchEvent(event);
  }
}
