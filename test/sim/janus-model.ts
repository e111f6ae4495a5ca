// An in-process model of Janus's session rules (janus.c, 1.1.x), for the simulation only: what a
// real Janus cannot be made to do on cue (restart between two frames, expire a session at an exact
// instant). Requests come from `Link`s (one per transport connection); answers and events go back
// on them. Events of a session go to the link that created or claimed it last.
import type { JanusMessage } from '../../src/janus/index.js';

/** Janus looks for expired sessions this often. */
export const SWEEP_MS = 2_000;

export interface Link {
  readonly linkId: number;
  /** Sends a frame towards the client (it may be lost on the way). */
  deliver(frame: JanusMessage): void;
}

export interface JanusModelOptions {
  /** Seconds without any request after which a session dies (0: never). */
  sessionTimeoutS: number;
  /** Seconds without any request after which a session whose link went away dies (0: at once). */
  reclaimTimeoutS: number;
  /** When set, every request but `info` must carry it (token_auth); else 403. */
  token?: string;
  /**
   * Signed tokens (token_auth_secret): every request but `info` must carry an unexpired
   * `<expiry s>,janus:g<generation>` of the current generation (a new generation: every token
   * revoked, as a new secret would); else 403.
   */
  signed?: boolean;
  now(): number;
  random(): number;
}

export interface ModelSession {
  id: number;
  lastActivity: number;
  /** The link that created or claimed it last; undefined once that link went away. */
  source: Link | undefined;
  handles: Map<number, string>;
}

const PLUGINS = new Set(['janus.plugin.echotest', 'janus.plugin.textroom']);

export class JanusModel {
  readonly sessions = new Map<number, ModelSession>();
  /** Every session id this model ever issued, and why each one ended. */
  readonly ended = new Map<number, 'timeout' | 'reclaim-timeout' | 'destroyed' | 'restart' | 'link-gone'>();
  /** Handles the model let go on its own (`dropHandle`): no keeper can have known in time. */
  readonly droppedByJanus = new Set<number>();
  #nextSweepAt: number;
  token: string | undefined;
  /** Signed tokens: the generation they must be of. */
  generation = 1;

  constructor(private readonly options: JanusModelOptions) {
    this.token = options.token;
    this.#nextSweepAt = options.now() + SWEEP_MS;
  }

  get nextSweepAt(): number {
    return this.#nextSweepAt;
  }

  get timeouts(): { sessionTimeoutS: number; reclaimTimeoutS: number } {
    return { sessionTimeoutS: this.options.sessionTimeoutS, reclaimTimeoutS: this.options.reclaimTimeoutS };
  }

  /** A signed token valid for `lifeMs` from now, of the current generation (what the app's backend mints). */
  mint(lifeMs: number): string {
    return `${Math.floor((this.options.now() + lifeMs) / 1000)},janus:g${this.generation}`;
  }

  #authorized(token: unknown): boolean {
    if (this.options.signed) {
      const match = typeof token === 'string' ? /^(\d+),janus:g(\d+)$/.exec(token) : null;
      return match !== null && Number(match[2]) === this.generation && Number(match[1]) * 1000 > this.options.now();
    }
    return this.token === undefined || token === this.token;
  }

  /** A request that is not one the model answers (an HTTP long-poll) still counts as activity. */
  touch(sessionId: number): void {
    const session = this.sessions.get(sessionId);
    if (session) session.lastActivity = this.options.now();
  }

  isAlive(sessionId: number): boolean {
    return this.sessions.has(sessionId);
  }

  receive(link: Link, request: JanusMessage): void {
    const reply = (frame: JanusMessage) => link.deliver({ ...frame, transaction: request.transaction });
    const error = (code: number, reason: string, sessionId?: number) =>
      reply({ janus: 'error', ...(sessionId === undefined ? {} : { session_id: sessionId }), error: { code, reason } });
    if (request.janus === 'info') {
      reply({ janus: 'server_info', name: 'Janus model', 'session-timeout': this.options.sessionTimeoutS,
        'reclaim-session-timeout': this.options.reclaimTimeoutS });
      return;
    }
    if (!this.#authorized(request['token'])) {
      error(403, 'Unauthorized request (wrong or missing secret/token)');
      return;
    }
    if (request.janus === 'create') {
      const id = this.#newId();
      this.sessions.set(id, { id, lastActivity: this.options.now(), source: link, handles: new Map() });
      reply({ janus: 'success', data: { id } });
      return;
    }
    const sessionId = request.session_id;
    const session = typeof sessionId === 'number' ? this.sessions.get(sessionId) : undefined;
    if (!session) {
      if (sessionId === undefined) error(457, 'Unhandled request at this path');
      else error(458, `No such session ${sessionId}`, sessionId);
      return;
    }
    session.lastActivity = this.options.now();
    const handleId = typeof request['handle_id'] === 'number' ? request['handle_id'] : 0;
    const plugin = session.handles.get(handleId);
    const needsHandle = ['message', 'trickle', 'hangup', 'detach'].includes(request.janus);
    if (needsHandle && plugin === undefined) {
      error(459, `No such handle ${handleId} in session ${session.id}`, session.id);
      return;
    }
    switch (request.janus) {
      case 'claim':
        session.source = link;
        reply({ janus: 'success', session_id: session.id });
        return;
      case 'keepalive':
        reply({ janus: 'ack', session_id: session.id });
        return;
      case 'attach': {
        const name = request['plugin'];
        if (typeof name !== 'string' || !PLUGINS.has(name)) {
          error(460, `No such plugin '${String(name)}'`, session.id);
          return;
        }
        const id = this.#newId();
        session.handles.set(id, name);
        reply({ janus: 'success', session_id: session.id, data: { id } });
        return;
      }
      case 'detach':
        session.handles.delete(handleId);
        reply({ janus: 'success', session_id: session.id });
        this.#event(session, { janus: 'detached', session_id: session.id, sender: handleId });
        return;
      case 'message': {
        reply({ janus: 'ack', session_id: session.id });
        const jsep = (request['jsep'] as { type?: string } | undefined)?.type === 'offer'
          ? { jsep: { type: 'answer' as const, sdp: 'v=0\r\n' } } : {};
        this.#event(session, { janus: 'event', session_id: session.id, sender: handleId, transaction: request.transaction,
          plugindata: { plugin: plugin!, data: { echotest: 'event', result: 'ok' } }, ...jsep });
        return;
      }
      case 'trickle':
        reply({ janus: 'ack', session_id: session.id });
        return;
      case 'hangup':
        reply({ janus: 'success', session_id: session.id });
        return;
      case 'destroy':
        this.#end(session, 'destroyed');
        reply({ janus: 'success', session_id: session.id });
        return;
      default:
        error(453, `Unknown request '${request.janus}'`, session.id);
    }
  }

  /**
   * The link went away (closed by either side) and Janus saw it (a WebSocket close or reset that
   * reached it): the reclaim window starts. A close sent into a dead path (half-open) never gets
   * here (the network loses it), so such a session lives until its session_timeout since its last
   * activity, as measured on Janus 1.1.2.
   */
  linkGone(link: Link): void {
    for (const session of [...this.sessions.values()]) {
      if (session.source !== link) continue;
      session.source = undefined;
      if (this.options.reclaimTimeoutS <= 0) this.#end(session, 'link-gone');
    }
  }

  /** Janus's watchdog, every ~2 s: sessions idle too long, or unclaimed too long, die. */
  sweep(): void {
    const now = this.options.now();
    this.#nextSweepAt = now + SWEEP_MS;
    const { sessionTimeoutS, reclaimTimeoutS } = this.options;
    for (const session of [...this.sessions.values()]) {
      const idle = now - session.lastActivity;
      if (sessionTimeoutS > 0 && idle >= sessionTimeoutS * 1000) {
        session.source?.deliver({ janus: 'timeout', session_id: session.id });
        this.#end(session, 'timeout');
      } else if (session.source === undefined && idle >= reclaimTimeoutS * 1000) {
        this.#end(session, 'reclaim-timeout');
      }
    }
  }

  /** Janus restarted: every session is gone (the links are dropped by the network layer). */
  restart(): void {
    for (const session of [...this.sessions.values()]) this.#end(session, 'restart');
  }

  /** The plugin let a handle go (e.g. it crashed); `notify` false: the `detached` event is lost. */
  dropHandle(sessionId: number, handleId: number, notify: boolean): void {
    const session = this.sessions.get(sessionId);
    if (!session?.handles.delete(handleId)) return;
    this.droppedByJanus.add(handleId);
    if (notify) this.#event(session, { janus: 'detached', session_id: sessionId, sender: handleId });
  }

  #event(session: ModelSession, frame: JanusMessage): void {
    session.source?.deliver(frame);
  }

  #end(session: ModelSession, why: 'timeout' | 'reclaim-timeout' | 'destroyed' | 'restart' | 'link-gone'): void {
    this.sessions.delete(session.id);
    this.ended.set(session.id, why);
  }

  #newId(): number {
    return 1_000_000 + Math.floor(this.options.random() * 2 ** 50);
  }
}
