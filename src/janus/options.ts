// The options of a session, their defaults and their checks: one list, used by `JanusSession`,
// by the keeper's config (which passes the tunable ones through) and by its validation.
import type { Clock } from './clock.js';
import type { JanusSession } from './session/session.js';
import type { Credentials, TokenSource } from './credentials/credentials.js';
import { checkToken } from './credentials/token.js';
import type { Logger } from './emitter.js';
import { InvalidArgumentError, JanusErrorCode, SessionReclaimException } from './errors.js';
import { describeBadId, isJanusId, requireNonEmptyString } from './protocol.js';
import { transportKindOf, type FetchLike, type TransportKind, type WebSocketConstructor } from './transport/transport.js';

/** What a session does on the wire: plain values, so a tab can send them to the keeper's worker. */
export interface SessionTuning {
  /** Defaults to the URL's scheme. */
  transport?: TransportKind;
  /** `null` means none, like leaving it out. Where the options allow it, a provider (see `JanusSessionOptions`). */
  token?: string | null;
  apiSecret?: string | null;
  /** Keepalive period; by default a third of the server's `session-timeout` (at most 10 s). */
  keepAliveMs?: number;
  /** A keepalive unanswered this long means a dead link. Default: 5 s (at most `requestTimeoutMs`). */
  keepAliveTimeoutMs?: number;
  /** Deadline of every request (and of each keepalive's answer). Default 10 s. */
  requestTimeoutMs?: number;
  /** Deadline to open the link. Default: `requestTimeoutMs`. */
  connectTimeoutMs?: number;
  /** Frames larger than this are dropped unread (default 1 MiB; an SDP is ~10-100 KB). */
  maxFrameBytes?: number;
  /** Deadline of one call to the token provider. Default 10 s. */
  tokenTimeoutMs?: number;
}

/** The keys of `SessionTuning`, for code that copies or checks them (the keeper's config). */
export const SESSION_TUNING_KEYS = ['transport', 'token', 'apiSecret', 'keepAliveMs', 'keepAliveTimeoutMs',
  'requestTimeoutMs', 'connectTimeoutMs', 'maxFrameBytes', 'tokenTimeoutMs'] as const satisfies readonly (keyof SessionTuning)[];

/** What `JanusSession.create()` takes: the server, the session's tuning, and what to claim. */
export interface JanusSessionOptions extends Omit<SessionTuning, 'token'> {
  /**
   * Janus token: a string, `null` (none), or a provider (a function returning a string or a
   * promise of one) asked before the create or claim, after a 403 (then the refused request is
   * sent once more), and ahead of a signed token's expiry.
   */
  token?: TokenSource;
  /**
   * Credentials shared with other sessions (e.g. every reconnect of one app): replaces `token`
   * and `apiSecret`.
   */
  credentials?: Credentials;
  /**
   * Asked just before the create or claim goes out (after the link opened and a token came): true
   * means the caller no longer wants the session (e.g. it was destroyed meanwhile), and nothing is sent.
   */
  cancelled?: () => boolean;
  /**
   * A claim over WebSocket (`sessionId` with a `ws(s)://` server): called with the session as soon
   * as the claim is on the socket, before Janus answered it. Requests made on it go out at once,
   * right behind the claim on the same link (Janus answers one link's requests in order), and
   * settle once the claim's answer is known: refused (458), they reject with `DestroyedError`;
   * refused for its token, with the claim's token error; failed otherwise, with `TransportError`. Never called over HTTP, where a claim and a request
   * are separate POSTs that Janus may handle in either order.
   */
  onClaimSent?: (session: JanusSession) => void;
  /** `ws://`, `wss://`, `http://` or `https://` URL of Janus (HTTP: the `/janus` base path). */
  server: string;
  /** Claim this existing session instead of creating one. */
  sessionId?: number;
  WebSocket?: WebSocketConstructor;
  fetch?: FetchLike;
  /** Warnings (dropped frames); at most 10 per 10 s reach it. Default: console. */
  logger?: Logger;
  /** Time and timers: keepalives and every deadline (default: the system's). */
  clock?: Clock;
}

/** A session's options with every default filled in (transport, timeouts, frame limit, credentials). */
export interface SessionSettings {
  kind: TransportKind;
  sessionId: number | undefined;
  keepAliveMs: number | undefined;
  keepAliveTimeoutMs: number;
  requestTimeoutMs: number;
  connectTimeoutMs: number;
  maxFrameBytes: number;
  tokenTimeoutMs: number | undefined;
}

/** The default deadline of every Janus request (10 s). */
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
const DEFAULT_MAX_FRAME_BYTES = 1024 * 1024;
const DEFAULT_KEEPALIVE_TIMEOUT_MS = 5_000;

/** Checks every option before any I/O; throws what `create()` would throw for them. */
export function validateSessionOptions(options: JanusSessionOptions): SessionSettings {
  if (typeof options !== 'object' || options === null) throw new InvalidArgumentError('options must be an object');
  const server = requireNonEmptyString(options.server, 'server');
  const schemeKind = transportKindOf(server);
  if (!schemeKind) throw new InvalidArgumentError('server must be a ws://, wss://, http:// or https:// URL');
  try {
    new URL(server);
  } catch {
    throw new InvalidArgumentError('server is not a valid URL');
  }
  if (options.transport !== undefined && options.transport !== schemeKind) {
    throw new InvalidArgumentError(`transport "${String(options.transport)}" does not match the server URL's scheme`);
  }
  const hasId = 'sessionId' in options && options.sessionId !== undefined;
  if (hasId && !isJanusId(options.sessionId)) {
    throw new SessionReclaimException(JanusErrorCode.SessionNotFound,
      `invalid session id: must be a positive safe integer (got ${describeBadId(options.sessionId)})`, undefined);
  }
  const requestTimeoutMs = positiveMs(options.requestTimeoutMs, 'requestTimeoutMs') ?? DEFAULT_REQUEST_TIMEOUT_MS;
  // null means none, as janus.js apps pass it (`token: null`).
  if (options.token != null && typeof options.token !== 'function') checkToken(options.token);
  if (options.apiSecret != null) checkToken(options.apiSecret, 'apiSecret');
  return {
    kind: schemeKind,
    sessionId: hasId ? options.sessionId : undefined,
    keepAliveMs: positiveMs(options.keepAliveMs, 'keepAliveMs'),
    keepAliveTimeoutMs: positiveMs(options.keepAliveTimeoutMs, 'keepAliveTimeoutMs')
      ?? Math.min(DEFAULT_KEEPALIVE_TIMEOUT_MS, requestTimeoutMs),
    requestTimeoutMs,
    connectTimeoutMs: positiveMs(options.connectTimeoutMs, 'connectTimeoutMs') ?? requestTimeoutMs,
    maxFrameBytes: positiveMs(options.maxFrameBytes, 'maxFrameBytes', 'bytes') ?? DEFAULT_MAX_FRAME_BYTES,
    tokenTimeoutMs: positiveMs(options.tokenTimeoutMs, 'tokenTimeoutMs'),
  };
}

function positiveMs(value: unknown, what: string, unit = 'milliseconds'): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > 2 ** 31 - 1) {
    throw new InvalidArgumentError(`${what} must be a positive number of ${unit}`);
  }
  return value;
}
