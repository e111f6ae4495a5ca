// The soak's invariants, each a pure check of one observation (what Janus's admin API and the open
// tabs report at one instant); the runner counts checks and prints violations with their timeline.
import type { TabReport } from './tabs.js';

/** Janus as its admin API shows it: session id -> its handles. */
export type JanusView = Map<number, number[]>;

export interface TabView {
  label: string;
  report: TabReport;
}

/** The bounds every timed invariant takes from the config (never guessed). */
export interface Bounds {
  /** After the faults pause: every tab ready on one session, EchoTest answering. */
  convergeMs: number;
  /** Longest a `ready` tab's calls may fail before an event tells it why. */
  deafMs: number;
  /** After the last tab closed: every session of ours gone from Janus. */
  expiryMs: number;
}

export interface Config {
  sessionTimeoutMs: number;
  reclaimTimeoutMs: number;
  keepAliveMs: number;
  keepAliveTimeoutMs: number;
  requestTimeoutMs: number;
  callTimeoutMs: number;
  backoffCapMs: number;
  tabGraceMs: number;
  transport: 'ws' | 'http';
}

/** Janus reaps expired sessions on a ~2 s sweep (janus.c). */
const JANUS_SWEEP_MS = 2_000;

export function boundsOf(config: Config): Bounds {
  const detectDeadLink = config.keepAliveMs + config.keepAliveTimeoutMs;
  // Worst path: the dead link seen, then the session either claimed or surely gone (Janus keeps a
  // session whose socket looks open for session_timeout), a retry at the backoff cap, a create,
  // the pages' re-attach and one more call, a closed tab's grace.
  const convergeMs = detectDeadLink + config.sessionTimeoutMs + JANUS_SWEEP_MS + config.backoffCapMs
    + 2 * config.requestTimeoutMs + config.callTimeoutMs + config.tabGraceMs;
  const deafMs = detectDeadLink + config.requestTimeoutMs + config.callTimeoutMs + config.backoffCapMs;
  // Over HTTP Janus never sees a client go: session_timeout from the last keepalive; over ws the
  // keeper's close reaches Janus (the network is back by then): the reclaim window.
  const expiryMs = (config.transport === 'http' ? config.sessionTimeoutMs : config.reclaimTimeoutMs)
    + config.keepAliveMs + JANUS_SWEEP_MS + config.tabGraceMs;
  return { convergeMs, deafMs, expiryMs };
}

/** Never more than one Janus session holding handles (all sessions on this Janus are the app's record's). */
export function sessionsInUse(janus: JanusView): number[] {
  return [...janus].filter(([, handles]) => handles.length > 0).map(([id]) => id);
}

/** Tabs `ready` whose calls have failed for longer than the bound with no event telling why. */
export function deafTabs(tabs: TabView[], bounds: Bounds): TabView[] {
  return tabs.filter(({ report }) => report.state === 'ready' && report.echo.failingSince !== undefined
    && report.now - report.echo.failingSince > bounds.deafMs);
}

/** Why the tabs have not converged yet (empty: every open tab ready on one session, EchoTest answered since `since`). */
export function notConverged(tabs: TabView[], unreadable: string[], since: number, alias: (id?: number) => string): string[] {
  const reasons = unreadable.map((label) => `${label}: does not answer the runner`);
  const sessions = new Set(tabs.map(({ report }) => report.sessionId));
  for (const { label, report } of tabs) {
    if (report.state !== 'ready') reasons.push(`${label}: ${report.state}${report.cause ? ` (${report.cause})` : ''}`);
    else if (report.echo.lastOkAt < since) reasons.push(`${label}: ready on ${alias(report.sessionId)} but no EchoTest answer since the faults paused (last error: ${report.echo.lastError || 'none'})`);
  }
  if (sessions.size > 1) reasons.push(`tabs on ${sessions.size} sessions: ${tabs.map(({ label, report }) => `${label}=${alias(report.sessionId)}`).join(' ')}`);
  return reasons;
}

/** Handles on Janus vs the handles the open tabs hold: leaked (Janus only) and missing (tabs only). */
export function handleDiff(janus: JanusView, tabs: TabView[]): { leaked: number[]; missing: number[] } | undefined {
  if (tabs.some(({ report }) => report.handles === null)) return undefined;
  const onJanus = new Set([...janus.values()].flat());
  const held = new Set(tabs.flatMap(({ report }) => report.handles!));
  const leaked = [...onJanus].filter((id) => !held.has(id));
  const missing = [...held].filter((id) => !onJanus.has(id));
  return leaked.length + missing.length === 0 ? { leaked: [], missing: [] } : { leaked, missing };
}

/** Uncaught errors and unhandled rejections of pages and workers (the same worker error reaches every tab). */
export function uncaughtErrors(tabs: TabView[]): string[] {
  const found = new Set<string>();
  for (const { label, report } of tabs) {
    for (const error of report.errors) found.add(error.where === 'worker' ? `worker: ${error.text}` : `${label}: ${error.text}`);
  }
  return [...found];
}
