// One soak run: a real Janus behind the fault proxy, real tabs, the seeded schedule; after each
// episode of faults, the invariants of a quiet system (convergence, handles), and at the end no
// session left on Janus.
import { startFaultProxy } from '../e2e/fixtures/fault-proxy.js';
import { startJanus, STOCK_TIMERS } from '../e2e/fixtures/janus-launcher.js';
import { DEFAULT_BACKOFF } from '../src/worker/recovery/backoff.js';
import { launchEngine, type Engine } from './browser.js';
import { Faults } from './faults.js';
import { boundsOf, handleDiff, notConverged, sessionsInUse, type Config } from './invariants.js';
import { Monitor } from './monitor.js';
import { describeEpisode, planSchedule, type Episode, type FaultKind } from './schedule.js';
import { startSite } from './site.js';
import { TabSet } from './tabs.js';
import { Timeline } from './timeline.js';

export interface SoakOptions {
  minutes: number;
  seed: number;
  tabs: number;
  engine: Engine;
  transport: 'ws' | 'http';
  /** Fault kinds left out of the schedule (the other draws unchanged). */
  skip?: FaultKind[];
  /** Print the whole timeline at the end. */
  timeline?: boolean;
  /** Another Janus build by install prefix (default Debian's). */
  janusPrefix?: string;
  /** `lab` (session 30 s, reclaim 10 s, the default) or Janus's `stock` ones (60 s, 0). */
  timers?: 'lab' | 'stock';
}

export interface SoakResult {
  faults: Map<string, number>;
  skipped: Map<string, number>;
  checks: number;
  violations: Monitor['violations'];
  /** Fault kind -> ms from the end of each episode that had it to every tab converged. */
  convergence: Map<string, number[]>;
  episodes: number;
  /** Attaches whose outcome the pages were told is unknown (each may leave a handle no one knows). */
  unknownAttaches: number;
  /** Episodes through which the echo call stayed on one page, session and handle: its media was checked. */
  mediaChecks: number;
}

const MAX_UPGRADES = 3;
/** The soak's own lab timers; `--timers stock` runs on Janus's defaults (reclaim 0: a ws drop ends the session). */
const TIMERS = { lab: { sessionTimeout: 30, reclaimTimeout: 10 }, stock: STOCK_TIMERS } as const;
/** What the soak tabs pass to connect(): every bound below is computed from these. */
const TAB_OPTIONS = { requestTimeoutMs: 5_000, keepAliveMs: 10_000, keepAliveTimeoutMs: 5_000, callTimeoutMs: 8_000 };

export async function runSoak(options: SoakOptions): Promise<SoakResult> {
  const JANUS = TIMERS[options.timers ?? 'lab'];
  const config: Config = {
    sessionTimeoutMs: JANUS.sessionTimeout * 1000, reclaimTimeoutMs: JANUS.reclaimTimeout * 1000,
    ...TAB_OPTIONS, backoffCapMs: DEFAULT_BACKOFF.capMs,
    tabGraceMs: 3_000, // the keeper's default (src/worker/keeper.ts)
    transport: options.transport,
  };
  const bounds = boundsOf(config);
  const browser = await launchEngine(options.engine);
  const cleanups: Array<() => Promise<unknown>> = [() => browser.close()];
  try {
    const janus = await startJanus({ ...JANUS, ...(options.janusPrefix ? { prefix: options.janusPrefix } : {}) });
    cleanups.unshift(() => janus.stop());
    const proxy = await startFaultProxy(options.transport === 'ws' ? janus.ports.ws : janus.ports.http);
    cleanups.unshift(() => proxy.close());
    const site = await startSite(MAX_UPGRADES);
    cleanups.unshift(() => site.close());
    const server = proxy.via(options.transport === 'ws' ? janus.wsUrl : janus.httpUrl);
    const timeline = new Timeline();
    const pageUrl = (leader: boolean, call: boolean) => `${site.url}/soak/page/soak.html?${new URLSearchParams({
      server, options: JSON.stringify(TAB_OPTIONS), ...(leader ? { mode: 'leader' } : {}), ...(call ? { call: '1' } : {}),
    })}`;
    const tabs = new TabSet(browser, pageUrl, timeline);
    const monitor = new Monitor(janus, tabs, timeline, bounds, options.seed);
    const faults = new Faults({ janus, proxy, tabs, browser, site, timeline, maxTabs: options.tabs + 2, minTabs: Math.max(1, options.tabs - 1) });
    const convergence = new Map<string, number[]>();
    console.log(`soak: seed ${options.seed}, ${options.minutes} min, ${options.tabs} tabs, ${options.engine}, ${options.transport}; `
      + `bounds: converge ${bounds.convergeMs} ms, deaf ${bounds.deafMs} ms, expiry ${bounds.expiryMs} ms`
      + (browser.cannot.length ? `; this engine cannot: ${browser.cannot.join(', ')}` : '')
      + (options.skip?.length ? `; skipped: ${options.skip.join(', ')}` : ''));

    monitor.start();
    cleanups.unshift(() => monitor.stop());
    for (let i = 0; i < options.tabs; i++) await tabs.openTab(false, i === 0 && browser.media);
    await quiet(monitor, tabs, timeline, bounds.convergeMs, config.tabGraceMs + config.requestTimeoutMs);

    const deadline = Date.now() + options.minutes * 60_000;
    const plan = planSchedule(options.seed, 10_000, { maxUpgrades: MAX_UPGRADES, without: [...browser.cannot, ...(options.skip ?? [])] });
    let episodes = 0;
    let mediaChecks = 0;
    for (const episode of plan) {
      if (Date.now() >= deadline) break;
      episodes++;
      timeline.step = episode.step;
      timeline.add(`episode ${episode.step}: ${describeEpisode(episode)}`);
      const before = new Map(faults.done);
      const media = callOf(monitor.latest);
      await runEpisode(episode, faults, timeline);
      const took = await quiet(monitor, tabs, timeline, bounds.convergeMs, config.tabGraceMs + config.requestTimeoutMs);
      if (took === undefined) continue;
      if (checkMedia(monitor, media, callOf(monitor.latest))) mediaChecks++;
      for (const [kind, count] of faults.done) {
        if (count === (before.get(kind) ?? 0)) continue;
        if (!convergence.has(kind)) convergence.set(kind, []);
        convergence.get(kind)!.push(took);
      }
    }

    timeline.step = plan.length + 1;
    timeline.add('every tab closes');
    await tabs.closeAll();
    const closedAt = Date.now();
    const watch: LeftWatch = { since: closedAt };
    const left = await sessionsLeft(monitor, closedAt + bounds.expiryMs, watch);
    const openAtBound = proxy.open;
    if (left.length > 0) {
      // How long they outlive the bound tells a slow expiry from a session kept alive; when their
      // handles went tells whether the keeper let the closed tabs go (their grace ran out).
      const gone = await sessionsLeft(monitor, closedAt + bounds.expiryMs + 2 * config.sessionTimeoutMs, watch);
      const detached = watch.handlesGoneMs === undefined ? 'their handles never detached' : `their handles gone ${watch.handlesGoneMs} ms after it`;
      const links = `${openAtBound} connection(s) open through the fault proxy then`;
      monitor.violate('none-left', `${left.length} session(s) still on Janus ${bounds.expiryMs} ms after the last tab closed: `
        + `${left.map((id) => timeline.alias(id)).join(', ')}; ${detached}; ${links}; `
        + `${gone.length === 0 ? `all gone after ${Date.now() - closedAt} ms` : `${gone.length} still there after ${Date.now() - closedAt} ms`}`);
    } else timeline.add(`no session left on Janus ${Date.now() - closedAt} ms after the last tab closed (no handle left after ${watch.handlesGoneMs} ms)`);
    if (options.timeline) console.log(`timeline:\n${timeline.recent(Infinity).join('\n')}`);
    return { faults: faults.done, skipped: faults.skipped, checks: monitor.checks, violations: monitor.violations, convergence, episodes,
      unknownAttaches: monitor.unknownAttaches, mediaChecks };
  } finally {
    for (const cleanup of cleanups) await cleanup().catch(() => {});
  }
}

interface CallMark {
  label: string;
  load?: string;
  sessionId?: number;
  handleId: number;
  bytes: number;
}

/** The echo call tab's call, when it is up and its bytes were read. */
function callOf(observation: Monitor['latest']): CallMark | undefined {
  const view = observation?.tabs.find(({ label }) => label.includes('(call)'));
  const call = view?.report.call;
  if (!view || !call || call.bytes === undefined) return undefined;
  return { label: view.label, load: view.report.load, sessionId: view.report.sessionId, handleId: call.handleId, bytes: call.bytes };
}

/**
 * Media flows through signaling faults: the same page, session and call handle before and after
 * an episode means the PeerConnection never had to go, so its inbound bytes must have grown.
 */
function checkMedia(monitor: Monitor, before: CallMark | undefined, after: CallMark | undefined): boolean {
  if (!before || !after || before.load !== after.load || before.sessionId !== after.sessionId || before.handleId !== after.handleId) return false;
  monitor.checks++;
  if (after.bytes <= before.bytes) {
    monitor.violate('media-flows', `${after.label}'s echo call received no media through the episode (inbound bytes stayed at ${after.bytes}) on the same session and handle`);
  }
  return true;
}

/** Polls Janus until no session is left or `until`; returns the sessions still there. */
interface LeftWatch {
  since: number;
  /** ms from `since` until no session on Janus held a handle. */
  handlesGoneMs?: number;
}

async function sessionsLeft(monitor: Monitor, until: number, watch: LeftWatch): Promise<number[]> {
  let left: number[] = [];
  for (;;) {
    const janus = await monitor.readJanus();
    monitor.checks++;
    if (janus) left = [...janus.keys()];
    if (janus && watch.handlesGoneMs === undefined && [...janus.values()].every((handles) => handles.length === 0)) {
      watch.handlesGoneMs = Date.now() - watch.since;
    }
    if ((janus && left.length === 0) || Date.now() >= until) return left;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}

async function runEpisode(episode: Episode, faults: Faults, timeline: Timeline): Promise<void> {
  await Promise.all(episode.faults.map(async (fault) => {
    await new Promise((resolve) => setTimeout(resolve, fault.offsetMs));
    await faults.apply(fault).catch((error) => timeline.add(`${fault.kind} failed: ${(error as Error).message.split('\n')[0]}`));
  }));
}

/**
 * The faults paused: every open tab must be ready on one session with EchoTest answering within
 * the bound, then the handles on Janus must be the tabs' own. Returns the time to converge.
 */
async function quiet(monitor: Monitor, tabs: TabSet, timeline: Timeline, boundMs: number, settleMs: number): Promise<number | undefined> {
  const since = Date.now();
  timeline.add('faults paused');
  const alias = (id?: number) => timeline.alias(id);
  let reasons: string[] = ['not read yet'];
  let observation = await monitor.next();
  for (;;) {
    monitor.checks++;
    reasons = notConverged(observation.tabs, observation.unreadable, since, alias);
    if (observation.tabs.length + observation.unreadable.length !== tabs.open.length) reasons.push('tabs changed meanwhile');
    if (reasons.length === 0 || Date.now() - since > boundMs) break;
    observation = await monitor.next();
  }
  if (reasons.length > 0) {
    monitor.violate('converge', `not converged ${boundMs} ms after the faults paused: ${reasons.join('; ')}`);
    return undefined;
  }
  const took = observation.at - since;
  timeline.add(`converged in ${took} ms on ${alias(observation.tabs[0]?.report.sessionId)}`);
  const convergedAt = Date.now();
  let problem = '';
  let key = '';
  for (;;) {
    monitor.checks++;
    const janus = observation.janus;
    const diff = janus && handleDiff(janus, observation.tabs);
    const session = observation.tabs[0]?.report.sessionId;
    const inUse = janus ? sessionsInUse(janus) : [];
    key = diff ? `${diff.leaked.sort().join(',')}|${diff.missing.sort().join(',')}` : 'not read';
    // At most one handle per attach whose outcome the app was told is unknown: not the keeper's leak.
    const leaks = diff ? diff.leaked.length > monitor.unknownAttaches : false;
    problem = !janus || !diff ? 'not read'
      : leaks || diff.missing.length > 0
        ? `handles on Janus are not the tabs' own: ${diff.leaked.length} leaked (on Janus, held by no open tab; ${monitor.unknownAttaches} attach(es) of unknown outcome excuse as many), ${diff.missing.length} missing (held by a tab, not on Janus)`
        : inUse.some((id) => id !== session) ? `the tabs are on ${alias(session)} but Janus has handles on ${inUse.map(alias).join(', ')}` : '';
    if (!problem || Date.now() - convergedAt > settleMs) break;
    observation = await monitor.next();
  }
  // A leak that lasts is one violation, however many episodes it outlives.
  if (problem) monitor.violate('handles', `${problem} (${settleMs} ms after converging)`, problem === 'not read' ? undefined : key);
  return took;
}
