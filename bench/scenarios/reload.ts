// 2. A reload of a tab: ms from location.reload() until the reloaded page has an EchoTest answer
// on its handle, and the Janus requests that costs (counted at the metering proxy, the probe's
// one EchoTest message included), and the Janus sessions this tab leaves alive after them
// (admin list_sessions: janus.js closes its WebSocket on unload, so each reload leaves a session
// on Janus for reclaim_session_timeout, 30 s here). Keepalives at janus.js's default 25 s for both.
// The floor: the same harness page with no client, reloaded the same way. The reload is also split
// in the page: reload -> the page's script runs (page load: the browser, the bundles), the script ->
// session + handle ready (the client's share: for ours connect + hello + create from the keeper's
// memory, no Janus request), then the probe (one EchoTest round trip, the same for both).
// A keeper worker that dies with its page (Firefox and WebKit always; Chromium without
// `extendedLifetime`, measured here as its own page kind) starts anew on each lone-tab reload: its
// start is split out (created -> script run -> first hello), and a variant starts it from an inline
// script before the page's bundle (prestart).
import type { BenchContext } from '../context.js';
import { openTabs, reloadUntilUsable, type PageKind, type ReloadTiming, type WorkerStartParts } from '../browser.js';
import { startMeteredProxy } from '../janus-meter.js';
import { quantile } from '../stats.js';
import { timing, type Row } from '../table.js';

const median = (values: number[]) => quantile(values, 0.5);

/**
 * Opens one tab of a page kind (its server: `server`), reloads it once to warm up, calls
 * `counting()`, then reloads it `runs` times: each one's timing.
 */
export type ReloadDriver = (lib: PageKind, server: string, runs: number, counting: () => void) => Promise<ReloadTiming[]>;

/** Row 2 in a Playwright engine (Chromium, Firefox): one browser context per page kind. */
export function reloads(ctx: BenchContext): Promise<Row[]> {
  const chromium = ctx.browser.browserType().name() === 'chromium';
  return reloadRows(ctx, chromium, async (lib, server, runs, counting) => {
    const context = await ctx.browser.newContext();
    try {
      const [page] = await openTabs(context, ctx.site, lib, 1, { server, keepAliveMs: 25_000 });
      await reloadUntilUsable(page!); // warm-up: not counted
      counting();
      const timings: ReloadTiming[] = [];
      for (let i = 0; i < runs; i++) timings.push(await reloadUntilUsable(page!));
      return timings;
    } finally {
      await context.close();
    }
  });
}

/**
 * Row 2's measurements and rows with any driver. `workerKept`: the engine keeps the keeper's worker
 * past a reload (Chromium with `extendedLifetime`), so a page kind without it is measured too.
 */
export async function reloadRows(ctx: Pick<BenchContext, 'janus' | 'quick' | 'delayMs' | 'log'>, workerKept: boolean,
  drive: ReloadDriver): Promise<Row[]> {
  // The page kind whose worker starts anew on each reload, and the same with the worker prestarted.
  const fresh: PageKind = workerKept ? 'ours, worker not kept' : 'ours';
  const prestart: PageKind = workerKept ? 'ours, worker not kept, prestart' : 'ours, prestart';
  const rides: PageKind = workerKept ? 'ours, worker not kept, first call rides the claim' : 'ours, first call rides the claim';
  const kinds: PageKind[] = ['ours', 'janus.js', 'floor', 'janus.js+keeper', ...(workerKept ? [fresh] : []), prestart, rides];
  const runs = ctx.quick ? 3 : ctx.delayMs > 0 ? 12 : 20;
  const samples: Partial<Record<PageKind, ReloadTiming[]>> = {};
  const requests: Record<string, number> = {};
  const requestKinds: Record<string, string> = {};
  const alive: Record<string, number> = {};
  for (const lib of kinds) {
    const before = new Set(await ctx.janus.listSessions());
    const meter = await startMeteredProxy(ctx.janus.ports.ws, ctx.delayMs);
    try {
      let start = performance.now();
      samples[lib] = await drive(lib, meter.proxy.via(ctx.janus.wsUrl), runs, () => (start = performance.now()));
      const counts = meter.countSince(start);
      alive[lib] = (await ctx.janus.listSessions()).filter((id) => !before.has(id)).length;
      requests[lib] = counts['total']! / runs;
      requestKinds[lib] = Object.entries(counts).filter(([k]) => k !== 'total')
        .map(([k, v]) => `${k} ${(v / runs).toFixed(1)}`).join(', ');
    } finally {
      await meter.proxy.close();
    }
  }
  ctx.log(`reload done (link ${ctx.delayMs} ms)`);
  const of = (lib: PageKind, pick: (t: ReloadTiming) => number) => samples[lib]!.map(pick);
  const ours = timing(of('ours', (t) => t.ms)), theirs = timing(of('janus.js', (t) => t.ms));
  const adapted = timing(of('janus.js+keeper', (t) => t.ms));
  const part = (name: 'pageLoadMs' | 'setupMs' | 'probeMs', metric: string, note: string, withFloor: boolean): Row => ({
    scenario: '2', metric, unit: 'ms', note,
    ours: median(of('ours', (t) => t.parts[name])), janusjs: median(of('janus.js', (t) => t.parts[name])),
    ...(withFloor ? { floor: median(of('floor', (t) => t.parts[name])) } : {}),
  });
  const floor = median(of('floor', (t) => t.ms));
  const started = (lib: PageKind, name: keyof WorkerStartParts) => {
    const values = samples[lib]!.flatMap((t) => (t.parts[name] === undefined ? [] : [t.parts[name]]));
    return { value: values.length ? median(values) : NaN, n: values.length };
  };
  const startRow = (lib: PageKind, label: string): Row => {
    const [created, script, hello] = (['workerCreatedMs', 'workerScriptMs', 'workerHelloMs'] as const).map((name) => started(lib, name));
    return { scenario: '2', metric: `a new keeper worker's start on a reload, ${label}: created -> first hello (medians)`, unit: 'ms',
      ours: script!.value + hello!.value, janusjs: null,
      note: `${script!.n} of ${samples[lib]!.length} reloads started a new worker; page script -> worker created ${created!.value.toFixed(1)} ms, `
        + `created -> its script run ${script!.value.toFixed(1)} ms (fetch, parse, compile, evaluate), -> the page's hello taken ${hello!.value.toFixed(1)} ms` };
  };
  const freshTiming = timing(of(fresh, (t) => t.ms)), prestartTiming = timing(of(prestart, (t) => t.ms));
  const ridesTiming = timing(of(rides, (t) => t.ms));
  const freshRows: Row[] = [
    ...(workerKept ? [{ scenario: '2', metric: 'the keeper worker not kept (extendedLifetime false, as Firefox and WebKit do): reload -> handle usable', unit: 'ms' as const,
      ours: freshTiming.value, janusjs: theirs.value, oursText: freshTiming.text, janusjsText: theirs.text, floor,
      samples: { ours: freshTiming.summary, janusjs: theirs.summary }, note: 'each lone-tab reload starts a new keeper worker, which claims the stored session' }] : []),
    startRow(fresh, workerKept ? 'worker not kept' : 'lone tab'),
    { scenario: '2', metric: `the worker started by the keeper-prestart script in the page's head (prestart${workerKept ? ', worker not kept' : ''}): reload -> handle usable`, unit: 'ms',
      ours: prestartTiming.value, janusjs: theirs.value, oursText: prestartTiming.text, janusjsText: theirs.text, floor,
      samples: { ours: prestartTiming.summary, janusjs: theirs.summary },
      note: `the same page without the prestart: ${timing(of(fresh, (t) => t.ms)).value.toFixed(1)} ms` },
    startRow(prestart, 'prestart'),
    { scenario: '2', metric: `the first call rides the claim${workerKept ? ' (worker not kept)' : ''}: reload -> handle usable`, unit: 'ms',
      ours: ridesTiming.value, janusjs: theirs.value, oursText: ridesTiming.text, janusjsText: theirs.text, floor,
      samples: { ours: ridesTiming.summary, janusjs: theirs.summary },
      note: `the page takes its handle from the state sent once the claim went out and messages at once (docs/reconnection.md); `
        + `README's create() -> state() -> message(): ${freshTiming.value.toFixed(1)} ms` },
  ];
  return [
    { scenario: '2', metric: 'reload -> handle usable again', unit: 'ms', ours: ours.value, janusjs: theirs.value,
      oursText: ours.text, janusjsText: theirs.text, samples: { ours: ours.summary, janusjs: theirs.summary },
      floor, note: 'floor: the same page without a client, reloaded the same way' },
    { scenario: '2', metric: 'janus.js with the keeper (its script tag added): reload -> handle usable again', unit: 'ms',
      ours: adapted.value, janusjs: theirs.value, oursText: adapted.text, janusjsText: theirs.text,
      samples: { ours: adapted.summary, janusjs: theirs.summary },
      note: `"ours" here is janus.js's page with the adapter; Janus requests per reload ${requests['janus.js+keeper']!.toFixed(1)} (${requestKinds['janus.js+keeper']}), sessions alive after the reloads ${alive['janus.js+keeper']}` },
    part('pageLoadMs', 'reload -> page script runs (page load, medians)', 'the browser and the bundles; no Janus yet for either', true),
    part('setupMs', 'page script -> session + handle ready (the client\'s share of a reload, medians)',
      'ours: connect + hello + create + handles from the keeper\'s memory; janus.js: socket + create + attach', false),
    part('probeMs', 'session + handle ready -> first EchoTest answer (medians)', 'one message round trip for both', false),
    { scenario: '2', metric: 'Janus requests per reload', unit: 'count', ours: requests['ours']!, janusjs: requests['janus.js']!,
      note: `ours: ${requestKinds['ours']}; janus.js: ${requestKinds['janus.js']}` },
    { scenario: '2', metric: `Janus sessions alive right after ${runs + 1} reloads of one tab`, unit: 'count',
      ours: alive['ours']!, janusjs: alive['janus.js']!, note: 'janus.js closes its socket on unload: Janus keeps each session for the reclaim window (30 s here)' },
    ...freshRows,
  ];
}
