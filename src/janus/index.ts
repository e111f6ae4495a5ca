export { JanusSession } from './session.js';
export { ownsSession } from './ownership-probe.js';
export { requestMayHaveReached } from './reach.js';
export type { AttachOptions, SessionEvents, SessionState } from './session-events.js';
export type { ServerTimeouts } from './server-timeouts.js';
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
export { Credentials } from './credentials.js';
export { checkToken, isToken, signedTokenExpiry } from './token.js';
export type { CredentialFields, CredentialsEvents, CredentialsOptions, TokenProvider, TokenSource } from './credentials.js';
export { consoleLogger, Emitter, rateLimited, type Logger } from './emitter.js';
export { describeBadId, isJanusId, requireId, requireNonEmptyString } from './protocol.js';
export type { JanusMessage, JanusRequest, Jsep } from './protocol.js';
export type { FetchLike, Transport, TransportKind, WebSocketConstructor, WebSocketLike } from './transport.js';
export { systemClock, type Clock } from './clock.js';
