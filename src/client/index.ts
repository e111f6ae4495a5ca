export { connect, type ConnectMode, type ConnectOptions } from './connect.js';
export { LeaderGoneError } from '../bridge/leader-gone.js';
export { KeeperClient, type KeeperClientEvents } from './keeper-client.js';
export type {
  AttachRequest,
  CreateResult,
  HandleEvent,
  HandleInfo,
  KeeperConfig,
  KeeperMode,
  KeeperState,
  KeeperStateName,
  KeeperStats,
  MessageResult,
  ServerAllows,
  TabEvent,
  TokenAnswer,
  WebRtcState,
} from '../bridge/api.js';
export { registerErrorClass } from '../bridge/errors.js';
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
} from '../janus/index.js';
export type { AnswerKind, MessageOptions, TokenProvider, TokenProviderFailure, TokenSource } from '../janus/index.js';
export { VERSION, VersionMismatchError } from '../bridge/version.js';
export { WorkerLoadError } from './worker-load.js';
