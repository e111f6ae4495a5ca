import type { JanusMessage } from '../protocol.js';

/** The server's session timers, from its `info` answer (seconds; 0 = disabled). */
export interface ServerTimeouts {
  sessionTimeoutS: number;
  reclaimTimeoutS: number;
}

const MAX_DEFAULT_KEEPALIVE_MS = 10_000;
const MIN_DEFAULT_KEEPALIVE_MS = 1_000;

export function timeoutsFromInfo(info: JanusMessage): ServerTimeouts | undefined {
  const sessionTimeoutS = info['session-timeout'];
  const reclaimTimeoutS = info['reclaim-session-timeout'];
  if (typeof sessionTimeoutS !== 'number' || typeof reclaimTimeoutS !== 'number') return undefined;
  return { sessionTimeoutS, reclaimTimeoutS };
}

/** A third of the session timeout, between 1 and 10 s; 10 s when the server has none. */
export function defaultKeepAlive(timeouts: ServerTimeouts | undefined): number {
  const timeout = timeouts?.sessionTimeoutS ?? 0;
  if (timeout <= 0) return MAX_DEFAULT_KEEPALIVE_MS;
  return Math.min(MAX_DEFAULT_KEEPALIVE_MS, Math.max(MIN_DEFAULT_KEEPALIVE_MS, (timeout * 1000) / 3));
}
