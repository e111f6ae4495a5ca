// Which of a keeper's servers it talks to. A session belongs to the server that created it: it
// is claimed there and nowhere else. A new session goes to the first server that answers.
import { InvalidArgumentError, JanusError, type JanusSession, type ServerTimeouts } from '../../janus/index.js';
import type { StoredSession } from '../record/store.js';
import { endsWithItsLink } from './server-allows.js';

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
    return 'Janus has surely dropped the stored session by now (its session timeout passed): not claimed';
  }
  return undefined;
}

/** The server that owns a stored session (a single-server record names none: its key is the URL). */
export function ownerOf(record: StoredSession): string {
  return record.ownerServer ?? record.server;
}

// When the owner has surely let the session go: until then, claims go to it and nowhere else.

/**
 * True once Janus has surely dropped the session: its session timeout has passed since anything of
 * this keeper may last have reached it (`reachedAt`), plus the ~2 s granularity of Janus's expiry
 * check. Not the reclaim window: that starts only when Janus sees the socket close, and a close sent
 * into a dead path (a half-open link) never reaches it, so the session lives for its session timeout
 * (measured on Janus 1.1.2). Unknown timers, or no session timeout: never (the claim will tell).
 */
export function surelyExpired(timers: ServerTimeouts | undefined, reachedAt: number, now: number): boolean {
  const at = surelyExpiredAt(timers, reachedAt);
  return at !== undefined && now > at;
}

/** After this instant (epoch ms) Janus has surely dropped the session; undefined: no such bound. */
export function surelyExpiredAt(timers: ServerTimeouts | undefined, reachedAt: number): number | undefined {
  if (!timers || timers.sessionTimeoutS <= 0) return undefined;
  return reachedAt + timers.sessionTimeoutS * 1000 + JANUS_EXPIRY_CHECK_MS;
}

/**
 * The last moment a request on the session's own link may have reached Janus: the link is taken as
 * dead at the latest one keepalive period and its deadline after Janus last answered.
 */
export function lastReachOf(session: JanusSession): number {
  return session.lastActivityAt + session.keepAliveMs + session.keepAliveTimeoutMs;
}

/**
 * How long after `savedAt` Janus surely keeps no session for the record (see `surelyExpired`);
 * absent: no such bound (no session timeout, or unknown timers).
 */
export function withExpiry(record: StoredSession, session: JanusSession): StoredSession {
  const timers = session.serverTimeouts;
  // Janus destroys it as its WebSocket closes (reclaim window 0): a refused claim says why.
  const marked = endsWithItsLink(ownerOf(record), timers) ? { ...record, endsWithLink: true as const } : record;
  if (!timers || timers.sessionTimeoutS <= 0) return marked;
  return { ...marked, expiresAfterMs: timers.sessionTimeoutS * 1000 + lastReachOf(session) - session.lastActivityAt };
}
