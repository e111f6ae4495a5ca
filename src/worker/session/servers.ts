// Which of a keeper's servers it talks to. A session belongs to the server that created it: it
// is claimed there and nowhere else. A new session goes to the first server that answers.
import { InvalidArgumentError, JanusError, type JanusSession } from '../../janus/index.js';
import type { StoredSession } from '../record/store.js';

/** Janus looks for expired sessions about every 2 s. */
const JANUS_EXPIRY_CHECK_MS = 2_000;

/**
 * The order in which to try servers for a new session: the list's own order; after a loss,
 * starting just after the server that lost the session and wrapping round, so that server comes
 * last (it has just dropped or refused the session; the others get their chance first).
 */
export function creationOrder(servers: readonly string[], after?: string): string[] {
  const index = after === undefined ? -1 : servers.indexOf(after);
  if (index < 0) return [...servers];
  return [...servers.slice(index + 1), ...servers.slice(0, index + 1)];
}

/**
 * Opens a session on the first server of `order` that answers (a refused connection, a timeout or
 * a Janus error moves on to the next). When none does, the most telling error: the first answer
 * from a Janus (e.g. 403), else the last network failure.
 */
export async function firstThatAnswers(order: readonly string[],
  open: (server: string) => Promise<JanusSession>): Promise<{ session: JanusSession; server: string }> {
  let failure: unknown;
  for (const server of order) {
    try {
      return { session: await open(server), server };
    } catch (error) {
      if (!(failure instanceof JanusError)) failure = error;
    }
  }
  throw failure ?? new InvalidArgumentError('no server to try');
}

/** Why a stored record must not be claimed (it is then cleared); undefined when it may be. */
export function unclaimable(record: StoredSession, servers: readonly string[], now: number): string | undefined {
  if (!servers.includes(ownerOf(record))) return 'the stored session belongs to a server that is not in the list: discarded';
  if (record.expiresAfterMs !== undefined && now - record.savedAt > record.expiresAfterMs + JANUS_EXPIRY_CHECK_MS) {
    return 'the stored session is older than its reclaim window: not claimed';
  }
  return undefined;
}

/** The server that owns a stored session (a single-server record names none: its key is the URL). */
export function ownerOf(record: StoredSession): string {
  return record.ownerServer ?? record.server;
}

// When the owner may have let the session go: until then, claims go to it and nowhere else.

/**
 * True once Janus has surely dropped the session: its reclaim window (WebSocket) or session timeout
 * (HTTP, where Janus never learns that a client left) has passed since it last answered, plus the
 * ~2 s granularity of Janus's expiry check. Unknown timers: never (the claim will tell).
 */
export function reclaimWindowPassed(session: JanusSession, now: number): boolean {
  const timers = session.serverTimeouts;
  if (!timers) return false;
  const windowS = session.transportKind === 'ws' ? timers.reclaimTimeoutS : timers.sessionTimeoutS;
  if (windowS <= 0) return session.transportKind === 'ws'; // ws: gone at once; http: never expires
  return now - session.lastActivityAt > windowS * 1000 + JANUS_EXPIRY_CHECK_MS;
}

/** How long Janus keeps the session after its last activity, as the stored record remembers it. */
export function withExpiry(record: StoredSession, session: JanusSession): StoredSession {
  const timers = session.serverTimeouts;
  if (!timers) return record;
  if (session.transportKind === 'ws') return { ...record, expiresAfterMs: timers.reclaimTimeoutS * 1000 };
  return timers.sessionTimeoutS > 0 ? { ...record, expiresAfterMs: timers.sessionTimeoutS * 1000 } : record;
}
