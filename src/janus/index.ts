export { JanusSession } from './session.js';
export type { AttachOptions, JanusSessionOptions, SessionEvents, SessionState } from './session.js';
export { PluginHandle } from './handle.js';
export type { HandleEvents, PluginResponse, TrickleCandidate } from './handle.js';
export {
  DestroyedError,
  InvalidArgumentError,
  JanusError,
  JanusErrorCode,
  JanusKeeperError,
  SessionReclaimException,
  TimeoutError,
  TransportError,
} from './errors.js';
export { Emitter, type Logger } from './emitter.js';
export { isJanusId } from './protocol.js';
export type { JanusMessage, JanusRequest, Jsep } from './protocol.js';
export type { FetchLike, Transport, TransportKind, WebSocketConstructor, WebSocketLike } from './transport.js';
