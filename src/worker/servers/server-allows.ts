// What the server's session timers let a session survive (a link drop, a lone tab's reload), read
// from Janus `info`, and the choices that follow from it: skip a claim that cannot succeed, and hold
// the session on a link whose close does not end it when the keeper's worker dies with its pages.
import type { ServerAllows } from '../../bridge/api.js';
import { TransportError, type ServerTimeouts } from '../../janus/index.js';

/** The cause tabs are told when a WebSocket close ended the session (reclaim window 0). */
export const RECLAIM_ZERO_CAUSE = "Janus's reclaim_session_timeout is 0: the session ended with its WebSocket";

const isWs = (server: string) => /^wss?:\/\//i.test(server);
const isHttp = (server: string) => /^https?:\/\//i.test(server);

/**
 * True when this keeper outlives its pages: a Node keeper (standalone), or a SharedWorker the page
 * asked for with `extendedLifetime` (its name ends in `/extended`) in an engine that honours it
 * (Chromium, the one engine with `navigator.userAgentData`). Firefox and WebKit end a SharedWorker
 * with its last page.
 */
export function keeperOutlivesPages(standalone: boolean, scope: unknown = globalThis): boolean {
  if (standalone) return true;
  const global = scope as { name?: unknown; navigator?: { userAgentData?: unknown } };
  return typeof global.name === 'string' && global.name.includes('/extended') && global.navigator?.userAgentData !== undefined;
}

/** A WebSocket session that Janus destroys as soon as it sees the socket close. */
export function endsWithItsLink(server: string, timers: ServerTimeouts | undefined): boolean {
  return isWs(server) && timers !== undefined && timers.reclaimTimeoutS === 0;
}

/**
 * The socket was closed (the browser saw a close or an error on it), rather than found dead by a
 * keepalive with no answer: Janus saw it go too. A half-open link is never taken for one.
 */
export function closedUnderUs(error: TransportError): boolean {
  return !error.local && /^WebSocket (closed \(code|error)/.test(error.message);
}

/** What the server allows a session held on `server` (see `ServerAllows`); undefined until `info` told. */
export function serverAllows(server: string, servers: readonly string[], timers: ServerTimeouts | undefined,
  outlivesPages: boolean): ServerAllows | undefined {
  if (!timers) return undefined;
  const { sessionTimeoutS, reclaimTimeoutS } = timers;
  const http = isHttp(server);
  const dropKeepsSession = http || reclaimTimeoutS > 0;
  const reloadKeepsSession = dropKeepsSession || outlivesPages;
  const allows: ServerAllows = { sessionTimeoutS, reclaimTimeoutS, dropKeepsSession, reloadKeepsSession };
  if (!dropKeepsSession) {
    const httpToo = servers.some(isHttp);
    allows.note = reloadKeepsSession
      ? `${RECLAIM_ZERO_CAUSE}: a drop of the link ends the session (a reload keeps it: this keeper outlives its pages)`
      : httpToo
        ? `${RECLAIM_ZERO_CAUSE}: a drop or a lone tab's reload ends the session`
        : `${RECLAIM_ZERO_CAUSE}: a drop or a lone tab's reload ends the session; list Janus's HTTP URL too `
          + '(server: [ws, http]) or set reclaim_session_timeout to keep it';
  }
  return allows;
}

/**
 * Where to hold a new session: `order` as given, unless the keeper dies with its pages and the
 * first WebSocket server is known to end sessions with their socket (`wsEndsSessions`): then the
 * HTTP servers of the list come first (over HTTP a session outlives its link for session_timeout).
 */
export function preferLinkThatOutlives(order: readonly string[], wsEndsSessions: boolean, outlivesPages: boolean): string[] {
  if (outlivesPages || !wsEndsSessions || !order.some(isHttp)) return [...order];
  return [...order.filter(isHttp), ...order.filter((server) => !isHttp(server))];
}

/** An HTTP server of the list to move a fresh session to (see `preferLinkThatOutlives`). */
export function httpAlternative(servers: readonly string[]): string | undefined {
  return servers.find(isHttp);
}
