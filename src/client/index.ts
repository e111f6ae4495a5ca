export { connect, type ConnectMode, type ConnectOptions } from './connect.js';
export { keeperWorkerName } from './keeper-name.js';
export { LeaderGoneError } from '../bridge/leader-gone.js';
export { KeeperClient, type KeeperClientEvents } from './keeper-client.js';
export type {
  AttachRequest,
  CreateResult,
  HandleEvent,
  HandleInfo,
  KeeperCalls,
  KeeperConfig,
  KeeperEndpoint,
  KeeperMode,
  KeeperState,
  KeeperStateName,
  KeeperStats,
  MessageResult,
  PageNotice,
  ServerAllows,
  TabEvent,
  TabHello,
  TokenAnswer,
  WebRtcState,
  WorkerStart,
} from '../bridge/api.js';
export { registerErrorClass } from '../bridge/errors.js';
export { installErrorTransfer } from '../bridge/comlink-errors.js';
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
