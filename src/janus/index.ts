export { JanusSession } from './session/session.js';
export { ownsSession } from './session/ownership-probe.js';
export { requestMayHaveReached } from './transport/reach.js';
export type { AttachOptions, SessionEvents, SessionState } from './session/session-events.js';
export type { ServerTimeouts } from './session/server-timeouts.js';
export { DEFAULT_REQUEST_TIMEOUT_MS, SESSION_TUNING_KEYS, validateSessionOptions } from './options.js';
export type { JanusSessionOptions, SessionSettings, SessionTuning } from './options.js';
export { checkCandidates, checkMessage, PluginHandle } from './handle.js';
export type { AnswerKind, HandleEvents, MessageOptions, PluginResponse, TrickleCandidate } from './handle.js';
export {
  DestroyedError,
  InvalidArgumentError,
  JanusError,
  JanusErrorCode,
  JanusKeeperError,
  PluginError,
  SessionReclaimException,
  TimeoutError,
  TokenProviderError,
  TokenRefusedError,
  TransportError,
} from './errors.js';
export type { TokenProviderFailure } from './errors.js';
export { Credentials } from './credentials/credentials.js';
export { checkToken, isToken, signedTokenExpiry } from './credentials/token.js';
export type { CredentialFields, CredentialsEvents, CredentialsOptions, TokenProvider, TokenSource } from './credentials/credentials.js';
export { consoleLogger, Emitter, rateLimited, type Logger } from './emitter.js';
export { describeBadId, isJanusId, requireId, requireNonEmptyString } from './protocol.js';
export type { JanusMessage, JanusRequest, Jsep } from './protocol.js';
export type { FetchLike, Transport, TransportKind, WebSocketConstructor, WebSocketLike } from './transport/transport.js';
export { systemClock, type Clock } from './clock.js';
