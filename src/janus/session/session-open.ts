// Opening a session: the link, then `create` (or `claim`) and `info` on it. What `JanusSession`
// is built from once Janus answered.
import { systemClock, type Clock } from '../clock.js';
import { Credentials, sendAuthorized } from '../credentials/credentials.js';
import { consoleLogger, rateLimited } from '../emitter.js';
import { JanusError, JanusErrorCode, SessionReclaimException, TransportError } from '../errors.js';
import { HttpTransport } from '../transport/http-transport.js';
import { markMayHaveReached } from '../transport/reach.js';
import { validateSessionOptions, type JanusSessionOptions } from '../options.js';
import { isJanusId, janusErrorOf, newTransaction, type JanusMessage } from '../protocol.js';
import { defaultKeepAlive, timeoutsFromInfo, type ServerTimeouts } from './server-timeouts.js';
import type { Transport } from '../transport/transport.js';
import { WebSocketTransport } from '../transport/websocket-transport.js';

export interface SessionInit {
  transport: Transport;
  id: number;
  reclaimed: boolean;
  response: JanusMessage;
  keepAliveMs: number;
  keepAliveTimeoutMs: number;
  requestTimeoutMs: number;
  credentials: Credentials;
  serverTimeouts: ServerTimeouts | undefined;
  clock: Clock;
  /** When Janus answered the create or claim: what its session timers count from. */
  answeredAt: number;
}

/**
 * A claim that went out on a WebSocket, not answered yet: enough to send requests right behind it on
 * the same link (Janus handles one link's requests for a session in order, so they reach it after
 * the claim and are answered after it).
 */
export interface ClaimSent {
  transport: Transport;
  id: number;
  requestTimeoutMs: number;
  keepAliveTimeoutMs: number;
  credentials: Credentials;
  clock: Clock;
}

/**
 * Opens the link and creates (or, with `sessionId`, claims) the session. Rejects when the link
 * is lost before the session is returned (`TransportError`). `onClaimSent` is called once a claim
 * went out on a WebSocket (never over HTTP, where a claim and a request are separate POSTs that
 * Janus may handle in any order), before its answer.
 */
export async function openSession(options: JanusSessionOptions, onClaimSent?: (sent: ClaimSent) => void): Promise<SessionInit> {
  const settings = validateSessionOptions(options);
  const clock = options.clock ?? systemClock;
  const credentials = options.credentials ?? new Credentials({ token: options.token, apiSecret: options.apiSecret, clock,
    ...(settings.tokenTimeoutMs === undefined ? {} : { providerTimeoutMs: settings.tokenTimeoutMs }) });
  const transportOptions = {
    credentials,
    connectTimeoutMs: settings.connectTimeoutMs,
    logger: rateLimited(options.logger ?? consoleLogger, 10, 10_000, () => clock.now()),
    maxFrameBytes: settings.maxFrameBytes,
    clock,
    ...(options.WebSocket ? { WebSocket: options.WebSocket } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
  };
  // The link opens while the provider gives a token that will last through the create or claim.
  const [opened, token] = await Promise.allSettled([
    settings.kind === 'ws' ? WebSocketTransport.open(options.server, transportOptions) : HttpTransport.open(options.server, transportOptions),
    credentials.ready(),
  ]);
  if (opened.status === 'rejected') throw opened.reason;
  const transport = opened.value;
  if (token.status === 'rejected' || options.cancelled?.()) {
    transport.close();
    throw token.status === 'rejected' ? token.reason : new TransportError('The session was no longer wanted (cancelled)', { local: true });
  }
  let lostWith: TransportError | undefined;
  const offClose = transport.on('close', (error) => {
    lostWith = error;
  });
  try {
    const request = (janus: string, fields: Record<string, unknown> = {}) =>
      sendAuthorized(transport, { janus, transaction: newTransaction(), ...fields }, settings.requestTimeoutMs, credentials,
        options.cancelled);
    let answeredAt = clock.now();
    const asked = Promise.all([
      (settings.sessionId === undefined
        ? request('create')
        : request('claim', { session_id: settings.sessionId })).then((frame) => {
        answeredAt = clock.now();
        return frame;
      }),
      request('info').catch(() => undefined),
    ]);
    // Both are on the socket now (a transport sends before its first await).
    if (onClaimSent && settings.sessionId !== undefined && transport.kind === 'ws' && !transport.isClosed) {
      onClaimSent({ transport, id: settings.sessionId, requestTimeoutMs: settings.requestTimeoutMs,
        keepAliveTimeoutMs: settings.keepAliveTimeoutMs, credentials, clock });
    }
    const [answer, info] = await asked;
    const serverTimeouts = info && timeoutsFromInfo(info);
    const id = settings.sessionId ?? answer.data?.id;
    if (answer.janus === 'error') throw openingError(answer, settings.sessionId);
    if (answer.janus !== 'success' || !isJanusId(id)) {
      throw new JanusError(JanusErrorCode.Unknown, `unexpected answer to ${settings.sessionId ? 'claim' : 'create'}`);
    }
    // Janus answered, then the link went (e.g. while `info` was pending): nobody would be told.
    if (lostWith || transport.isClosed) {
      throw new TransportError(`The link to Janus was lost right after the ${settings.sessionId ? 'claim' : 'create'}`,
        { cause: lostWith });
    }
    return {
      transport,
      id,
      reclaimed: settings.sessionId !== undefined,
      response: answer,
      keepAliveMs: settings.keepAliveMs ?? defaultKeepAlive(serverTimeouts),
      keepAliveTimeoutMs: settings.keepAliveTimeoutMs,
      requestTimeoutMs: settings.requestTimeoutMs,
      credentials,
      serverTimeouts,
      clock,
      answeredAt,
    };
  } catch (error) {
    transport.close();
    markMayHaveReached(error);
    throw error;
  } finally {
    offClose();
  }
}

function openingError(answer: JanusMessage, claimedId: number | undefined): JanusError {
  const error = janusErrorOf(answer);
  const refused = error.code === JanusErrorCode.SessionNotFound || error.code === JanusErrorCode.InvalidRequestPath;
  return claimedId !== undefined && refused ? new SessionReclaimException(error.code, error.reason, claimedId) : error;
}
