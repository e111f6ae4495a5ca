// What janus.js gets as `httpAPICall` once the keeper is in, for a REST server (`http(s)://.../janus`
// or `/janus`): its POSTs go to the keeper (one FrameSession per server), its long-poll GET gets
// the keeper's events for the page's handles. Nothing reaches Janus from the page.
import type { Frame, FrameSession } from './frames.js';

/** The options janus.js passes to `httpAPICall`. */
export interface HttpCallOptions {
  verb?: string;
  body?: unknown;
  timeout?: number;
  success?: (json: unknown) => void;
  error?: (textStatus: string, error?: unknown) => void;
  [key: string]: unknown;
}

/** Janus answers an idle long-poll with a keepalive after 30 s. */
const IDLE_POLL_MS = 30_000;

/** One REST server of the page: its janus.js session's requests and its long-poll. */
export class HttpRoute {
  readonly session: FrameSession;
  readonly #answers = new Map<unknown, HttpCallOptions>();
  readonly #queue: Frame[] = [];
  #poll: { options: HttpCallOptions; maxEvents: number; timer: ReturnType<typeof setTimeout> } | undefined;

  constructor(readonly base: string, session: (emit: (frame: Frame) => void) => FrameSession) {
    this.session = session((frame) => this.#emit(frame));
  }

  /** True for a URL of this server (the base, a session's or a handle's path). */
  owns(url: string): boolean {
    const path = url.split('?')[0]!;
    return path === this.base || path.startsWith(`${this.base}/`);
  }

  call(url: string, options: HttpCallOptions): void {
    if ((options.verb ?? 'GET').toUpperCase() === 'GET') {
      this.#longPoll(url, options);
      return;
    }
    const frame = options.body as Frame | undefined;
    if (typeof frame !== 'object' || frame === null || typeof frame.janus !== 'string') {
      queueMicrotask(() => options.error?.('error', new Error('not a Janus request')));
      return;
    }
    this.#answers.set(frame['transaction'], options);
    // Over REST the handle is named by the path (`<base>/<session>/<handle>`), not in the frame.
    const handleId = Number(url.split('?')[0]!.slice(this.base.length).split('/')[2]);
    void this.session.request(Number.isSafeInteger(handleId) && handleId > 0 && frame['handle_id'] === undefined
      ? { ...frame, handle_id: handleId } : frame);
  }

  #emit(frame: Frame): void {
    const answer = this.#answers.get(frame['transaction']);
    if (answer && frame.janus !== 'event') {
      this.#answers.delete(frame['transaction']);
      answer.success?.(frame);
      return;
    }
    this.#queue.push(frame);
    this.#flush();
  }

  #longPoll(url: string, options: HttpCallOptions): void {
    if (this.#poll) this.#answerPoll([{ janus: 'keepalive' }]); // one poll at a time, as on Janus
    const maxEvents = Math.max(1, Number(new URL(url, 'http://x').searchParams.get('maxev')) || 1);
    const idleMs = Math.min(IDLE_POLL_MS, Math.max(1_000, (options.timeout ?? IDLE_POLL_MS) - 1_000));
    const timer = setTimeout(() => this.#answerPoll([{ janus: 'keepalive' }]), idleMs);
    this.#poll = { options, maxEvents, timer };
    queueMicrotask(() => this.#flush());
  }

  #flush(): void {
    if (!this.#poll || this.#queue.length === 0) return;
    this.#answerPoll(this.#queue.splice(0, this.#poll.maxEvents));
  }

  #answerPoll(frames: Frame[]): void {
    const poll = this.#poll;
    if (!poll) return;
    this.#poll = undefined;
    clearTimeout(poll.timer);
    poll.options.success?.(poll.maxEvents > 1 ? frames : frames[0]);
  }

  /** The keeper lost the session for good: the poll fails, and janus.js reports the server gone. */
  lost(): void {
    const poll = this.#poll;
    this.close();
    poll?.options.error?.('error', new Error('the Janus session was lost'));
  }

  /** The page is going: the waiting poll ends quietly. */
  close(): void {
    if (this.#poll) clearTimeout(this.#poll.timer);
    this.#poll = undefined;
  }
}
