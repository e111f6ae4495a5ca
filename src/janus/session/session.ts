import type { Clock } from '../clock.js';
import { sendAuthorized, type Credentials } from '../credentials/credentials.js';
import { checkToken } from '../credentials/token.js';
import { Emitter } from '../emitter.js';
import { DestroyedError, JanusError, JanusErrorCode, SessionReclaimException, TimeoutError, TransportError } from '../errors.js';
import { PluginHandle } from '../handle.js';
import { PendingTransactions } from '../transport/pending.js';
import type { JanusSessionOptions } from '../options.js';
import { defaultKeepAlive, type ServerTimeouts } from './server-timeouts.js';
import { KeepAliveLoop } from './keepalive-loop.js';
import { PendingClaim } from './pending-claim.js';
import type { AttachOptions, SessionEvents, SessionState } from './session-events.js';
import { openSession, type ClaimSent, type SessionInit } from './session-open.js';
import { janusErrorOf, isJanusId, newTransaction, requireId, requireNonEmptyString, type JanusMessage,
  type JanusRequest } from '../protocol.js';
import type { Transport, TransportKind } from '../transport/transport.js';

const MAX_ABANDONED_ATTACHES = 16;

/**
 * One Janus session over one transport. `create()` without `sessionId` creates a session; with
 * it, claims that session (the seed design's reclamation). Keepalives run while it is open.
 */
export class JanusSession extends Emitter<SessionEvents> {
  readonly #transport: Transport;
  readonly #handles = new Map<number, PluginHandle>();
  readonly #events: PendingTransactions;
  readonly #releaseCredentials: () => void;
  readonly #requestTimeoutMs: number;
  readonly #clock: Clock;
  readonly #keepAlives: KeepAliveLoop;
  #state: SessionState = 'open';
  /** Transactions of attaches that timed out (the newest few). */
  readonly #abandonedAttaches = new Set<string>();
  /**
   * While the claim this session was made by is unanswered (see `onClaimSent`): what its answer
   * decided, for the requests sent behind it. Undefined once Janus answered it.
   */
  #claim: PendingClaim | undefined;
  #response: JanusMessage;
  #keepAliveMs: number;
  #serverTimeouts: ServerTimeouts | undefined;

  /** The session's token and API secret: `credentials.setToken(token)` replaces the token. */
  readonly credentials: Credentials;
  /** Janus's id of this session: a credential. */
  readonly id: number;
  /** True when this instance claimed an existing session. */
  readonly reclaimed: boolean;
  /** How long a keepalive waits for its ack before the link is taken as dead. */
  readonly keepAliveTimeoutMs: number;
  #lastActivityAt: number;

  private constructor(init: SessionInit | ClaimSent) {
    super();
    this.#clock = init.clock;
    this.#events = new PendingTransactions(init.clock);
    this.#transport = init.transport;
    this.id = init.id;
    this.keepAliveTimeoutMs = init.keepAliveTimeoutMs;
    this.#requestTimeoutMs = init.requestTimeoutMs;
    this.credentials = init.credentials;
    this.#releaseCredentials = init.credentials.hold();
    this.#keepAlives = new KeepAliveLoop(init.clock, {
      isOpen: () => this.#state === 'open',
      periodMs: () => this.keepAliveMs,
      lastActivityAt: () => this.#lastActivityAt,
      sessionTimeoutS: () => this.serverTimeouts?.sessionTimeoutS,
      send: () => this.keepAlive(),
      drop: (error) => this.#dropLink(error),
    });
    init.transport.on('message', (message) => this.#receive(message));
    init.transport.on('close', (error) => this.#onTransportClose(error));
    init.transport.on('late', (message) => this.#late(message));
    init.transport.listen(init.id);
    if ('response' in init) {
      this.reclaimed = init.reclaimed;
      this.#response = init.response;
      this.#keepAliveMs = init.keepAliveMs;
      this.#serverTimeouts = init.serverTimeouts;
      this.#lastActivityAt = init.answeredAt;
      this.#keepAlives.schedule();
      return;
    }
    // A claim on its way: requests may go behind it now; keepalives start once Janus answered it.
    this.reclaimed = true;
    this.#response = { janus: 'claim' };
    this.#keepAliveMs = defaultKeepAlive(undefined);
    this.#lastActivityAt = init.clock.now();
    this.#claim = new PendingClaim();
  }

  /**
   * Opens the link and creates (or, with `sessionId`, claims) the session. Rejects when the link
   * is lost before the session is returned (`TransportError`); once it is returned, a lost link
   * fires `disconnected` exactly once.
   *
   * With `onClaimSent` (a claim over WebSocket), the session is handed out as soon as the claim is
   * on the socket: requests made on it go right behind the claim on the same link (pipelined) and
   * settle only once the claim's answer is known. When Janus refuses the claim (458), they reject
   * with `DestroyedError`; when the claim fails otherwise (the link, a deadline, a token), with
   * `TransportError` (their outcome is unknown). `create()` then resolves with that same session,
   * or rejects as it would without `onClaimSent`.
   */
  static async create(options: JanusSessionOptions): Promise<JanusSession> {
    const onClaimSent = (options as JanusSessionOptions | null)?.onClaimSent; // bad options: openSession's typed error
    if (!onClaimSent) return new JanusSession(await openSession(options));
    const made: { early?: JanusSession } = {};
    let init: SessionInit;
    try {
      init = await openSession(options, (sent) => {
        const early = new JanusSession(sent);
        made.early = early;
        onClaimSent(early);
      });
    } catch (error) {
      const early = made.early;
      if (early) early.#claimFailed(error);
      throw error;
    }
    const early = made.early;
    if (!early) return new JanusSession(init);
    early.#claimAnswered(init);
    return early;
  }

  /** Janus's whole answer to `create` or `claim` (`{ janus: 'claim' }` while a claim is unanswered). */
  get response(): JanusMessage {
    return this.#response;
  }

  /** The keepalive period. */
  get keepAliveMs(): number {
    return this.#keepAliveMs;
  }

  /** The server's timers, when its `info` answered. */
  get serverTimeouts(): ServerTimeouts | undefined {
    return this.#serverTimeouts;
  }

  /** True while the claim that made this session is unanswered (see `onClaimSent`). */
  get claiming(): boolean {
    return this.#claim !== undefined;
  }

  /**
   * Resolves once the claim that made this session succeeded (at once when it was answered, or for
   * a created session); rejects as the requests sent behind a failed claim do.
   */
  async untilClaimed(): Promise<void> {
    await this.#claim?.outcome;
  }

  #claimAnswered(init: SessionInit): void {
    const claim = this.#claim!;
    this.#claim = undefined;
    this.#response = init.response;
    this.#keepAliveMs = init.keepAliveMs;
    this.#serverTimeouts = init.serverTimeouts;
    this.#lastActivityAt = Math.max(this.#lastActivityAt, init.answeredAt);
    claim.succeeded();
    if (this.#state === 'open') this.#keepAlives.schedule();
  }

  /** The claim failed: the requests sent behind it fail as on a lost session (458) or a lost link. */
  #claimFailed(error: unknown): void {
    const claim = this.#claim!;
    this.#claim = undefined;
    if (claim.failed(error) === 'lost') this.#lose(error as SessionReclaimException);
    else this.#dropLink(new TransportError('the claim failed', { cause: error }));
  }

  get state(): SessionState {
    return this.#state;
  }

  get transportKind(): TransportKind {
    return this.#transport.kind;
  }

  get handles(): ReadonlyMap<number, PluginHandle> {
    return this.#handles;
  }

  async attach(plugin: string, options: AttachOptions = {}): Promise<PluginHandle> {
    requireNonEmptyString(plugin, 'plugin');
    if (options.opaqueId !== undefined) requireNonEmptyString(options.opaqueId, 'opaqueId');
    if (options.token !== undefined) checkToken(options.token, 'attach token');
    if (options.handleId !== undefined) {
      const handle = this.rebind(plugin, { ...options, handleId: options.handleId });
      await this.untilClaimed(); // no request: nothing to send behind an unanswered claim
      return handle;
    }
    const fields: Record<string, unknown> = { plugin };
    if (options.opaqueId !== undefined) fields['opaque_id'] = options.opaqueId;
    if (options.token !== undefined) fields['token'] = options.token;
    const transaction = newTransaction();
    const answer = await this.#request({ janus: 'attach', ...fields }, false, this.#requestTimeoutMs, transaction)
      .catch((error: unknown) => {
        if (error instanceof TimeoutError) this.#abandonAttach(transaction);
        throw error;
      });
    const handleId = answer.data?.id;
    if (!isJanusId(handleId)) throw new JanusError(JanusErrorCode.Unknown, 'attach answered without a handle id');
    return this.#bind(handleId, plugin, options.opaqueId);
  }

  /**
   * `attach(plugin, { handleId })` without the promise: binds a handle that already exists on this
   * (reclaimed) session at once, with no request.
   */
  rebind(plugin: string, options: AttachOptions & { handleId: number }): PluginHandle {
    requireNonEmptyString(plugin, 'plugin');
    if (options.opaqueId !== undefined) requireNonEmptyString(options.opaqueId, 'opaqueId');
    const handleId = requireId(options.handleId, 'handleId');
    this.#assertOpen('attach');
    return this.#handles.get(handleId) ?? this.#bind(handleId, plugin, options.opaqueId);
  }

  /** When Janus last answered anything on this session (epoch ms): what its timers count from. */
  get lastActivityAt(): number {
    return this.#lastActivityAt;
  }

  /**
   * Janus's `info` (what janus.js `getInfo` asks): the server's version, plugins, transports and
   * timers, as its `server_info` frame without the transaction.
   */
  async info(): Promise<Record<string, unknown>> {
    this.#assertOpen('info');
    const answer = await sendAuthorized(this.#transport, { janus: 'info', transaction: newTransaction() },
      this.#requestTimeoutMs, this.credentials);
    if (answer.janus === 'error') throw janusErrorOf(answer); // no session named: not the session's activity
    const { transaction, ...info } = answer;
    return info;
  }

  /** Sends one keepalive now (they also run on their own every `keepAliveMs`). */
  async keepAlive(): Promise<void> {
    await this.#request({ janus: 'keepalive' }, false, this.keepAliveTimeoutMs);
    this.emit('keepalive', undefined);
  }

  /** Destroys the session on Janus and closes the link. */
  async destroy(): Promise<void> {
    if (this.#state === 'destroyed') return;
    try {
      if (this.#state === 'open') {
        // Janus ends the session's long-poll (404) as it destroys it: stop polling first, so that
        // the end of the poll cannot close the link under the destroy request.
        this.#transport.stopListening();
        await this.#request({ janus: 'destroy' }, false);
      }
    } catch (error) {
      if (!(error instanceof JanusError && error.code === JanusErrorCode.SessionNotFound)) {
        if (this.#state === 'open') this.#transport.listen(this.id);
        throw error;
      }
    }
    this.#end('destroyed');
    this.emit('destroyed', undefined);
  }

  /**
   * Closes the link and stops keepalives without destroying the session: Janus keeps it for its
   * reclaim window (WebSocket) or session timeout (HTTP), so it can be claimed again.
   */
  close(): void {
    this.#dropLink(new TransportError('Session closed by the application', { local: true }));
  }

  /** @internal used by PluginHandle */
  requestForHandle(handleId: number, janus: string, fields: Record<string, unknown>, awaitEvent: boolean) {
    return this.#request({ janus, handle_id: handleId, ...fields }, awaitEvent);
  }

  /** @internal used by PluginHandle */
  forgetHandle(handleId: number): void {
    this.#handles.delete(handleId);
  }

  #bind(handleId: number, plugin: string, opaqueId: string | undefined): PluginHandle {
    const handle = new PluginHandle(this, handleId, plugin, opaqueId);
    this.#handles.set(handleId, handle);
    return handle;
  }

  /** An attach that timed out may still reach Janus: if its answer comes late, its handle goes at once. */
  #abandonAttach(transaction: string): void {
    this.#abandonedAttaches.add(transaction);
    if (this.#abandonedAttaches.size > MAX_ABANDONED_ATTACHES) {
      this.#abandonedAttaches.delete(this.#abandonedAttaches.values().next().value!);
    }
  }

  #late(message: JanusMessage): void {
    const transaction = message.transaction;
    if (typeof transaction !== 'string' || !this.#abandonedAttaches.delete(transaction)) return;
    const handleId = message.data?.id;
    if (message.janus !== 'success' || !isJanusId(handleId) || this.#state !== 'open') return;
    sendAuthorized(this.#transport, { janus: 'detach', transaction: newTransaction(), session_id: this.id, handle_id: handleId },
      this.#requestTimeoutMs, this.credentials).then(() => this.emit('late-handle', handleId), () => {});
  }

  async #request(fields: { janus: string; [key: string]: unknown }, awaitEvent: boolean,
    timeoutMs = this.#requestTimeoutMs, transaction = newTransaction()): Promise<JanusMessage> {
    this.#assertOpen(fields.janus);
    const request: JanusRequest = {
      ...fields,
      transaction,
      session_id: this.id,
    };
    const event = awaitEvent
      ? this.#events.wait(request.transaction, this.#requestTimeoutMs, fields.janus)
      : undefined;
    event?.catch(() => {}); // settled below; avoids an unhandled rejection if it fails first
    // Sent behind a claim not answered yet: the request counts only once the claim succeeded.
    const claim = this.#claim?.outcome;
    let answer: JanusMessage;
    try {
      answer = await sendAuthorized(this.#transport, request, timeoutMs, this.credentials);
      await claim;
    } catch (error) {
      this.#events.discard(request.transaction);
      if (claim) await claim;
      throw error;
    }
    this.#lastActivityAt = this.#clock.now();
    if (answer.janus === 'error') {
      this.#events.discard(request.transaction);
      const error = janusErrorOf(answer);
      if (error.code === JanusErrorCode.SessionNotFound) this.#lose(error);
      throw error;
    }
    if (event && answer.janus === 'ack') return event;
    this.#events.discard(request.transaction);
    return answer;
  }

  #assertOpen(what: string): void {
    if (this.#state === 'open') return;
    if (this.#state === 'disconnected') {
      throw new TransportError(`Cannot ${what}: the session's link is closed (claim it to go on)`);
    }
    throw new DestroyedError(`Cannot ${what}: the session is ${this.#state}`);
  }

  #receive(message: JanusMessage): void {
    this.#lastActivityAt = this.#clock.now();
    const transaction = message.transaction;
    if (message.janus === 'event' && typeof transaction === 'string' && this.#events.resolve(transaction, message)) return;
    const aboutThisSession = message.session_id === undefined || message.session_id === this.id;
    if (message.janus === 'timeout' && aboutThisSession) {
      this.#lose(new JanusError(JanusErrorCode.SessionNotFound, 'session timed out on Janus'));
      return;
    }
    if (message.janus === 'error' && aboutThisSession && message.error?.code === JanusErrorCode.SessionNotFound) {
      this.#lose(janusErrorOf(message));
      return;
    }
    const handle = typeof message.sender === 'number' ? this.#handles.get(message.sender) : undefined;
    if (handle) handle.receive(message);
    else this.emit('event', message);
  }

  /** Closes the link and reports it, even when the transport had closed already (no event then). */
  #dropLink(error: TransportError): void {
    this.#transport.close(error);
    this.#onTransportClose(error);
  }

  #onTransportClose(error: TransportError): void {
    if (this.#state !== 'open') return;
    this.#state = 'disconnected';
    this.#stop(error);
    this.emit('disconnected', error);
  }

  #lose(error: JanusError): void {
    if (this.#state === 'lost' || this.#state === 'destroyed') return;
    this.#end('lost');
    this.emit('lost', error);
  }

  #end(state: 'lost' | 'destroyed'): void {
    this.#state = state;
    const reason = new TransportError(`The session is ${state}`);
    this.#stop(reason);
    this.#transport.close(reason);
    for (const handle of [...this.#handles.values()]) handle.markDetached(undefined);
  }

  #stop(reason: TransportError): void {
    this.#releaseCredentials();
    this.#keepAlives.stop();
    this.#events.rejectAll(reason);
  }
}
