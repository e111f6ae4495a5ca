// What each session the keeper opens is given: the tunable options of its config (one list, the
// session layer's own), and the keeper's clock, transports and logger.
import { SESSION_TUNING_KEYS, type Credentials, type JanusSessionOptions } from '../../janus/index.js';
import type { KeeperOptions } from '../keeper.js';

/** Credentials are the keeper's own (one token for every session it opens), not copied per session. */
const CREDENTIAL_KEYS = new Set(['token', 'apiSecret', 'tokenTimeoutMs']);

export function sessionOptionsFor(keeper: KeeperOptions, credentials: Credentials, sessionId: number | undefined,
  server: string): JanusSessionOptions {
  const options: JanusSessionOptions = { server, credentials };
  const tuning = options as unknown as Record<string, unknown>;
  const config = keeper.config as unknown as Record<string, unknown>;
  for (const key of SESSION_TUNING_KEYS) if (config[key] !== undefined && !CREDENTIAL_KEYS.has(key)) tuning[key] = config[key];
  if (keeper.WebSocket) options.WebSocket = keeper.WebSocket;
  if (keeper.fetch) options.fetch = keeper.fetch;
  if (keeper.clock) options.clock = keeper.clock;
  if (keeper.logger) options.logger = keeper.logger;
  if (sessionId !== undefined) options.sessionId = sessionId;
  return options;
}
