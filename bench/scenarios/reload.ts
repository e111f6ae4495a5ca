// 2. A reload of a tab: ms from location.reload() until the reloaded page has an EchoTest answer
// on its handle, and the Janus requests that costs (counted at the metering proxy, the probe's
// one EchoTest message included), and the Janus sessions this tab leaves alive after them
// (admin list_sessions: janus.js closes its WebSocket on unload, so each reload leaves a session
// on Janus for reclaim_session_timeout, 30 s here). Keepalives at janus.js's default 25 s for both.
import type { BenchContext } from '../context.js';
import { LIBS, openTabs, reloadUntilUsable } from '../browser.js';
import { startMeteredProxy } from '../janus-meter.js';
import { timing, type Row } from '../table.js';

export async function reloads(ctx: BenchContext): Promise<Row[]> {
  const runs = ctx.quick ? 3 : 20;
  const times: Record<string, number[]> = {};
  const requests: Record<string, number> = {};
  const kinds: Record<string, string> = {};
  const alive: Record<string, number> = {};
  for (const lib of LIBS) {
    const before = new Set(await ctx.janus.listSessions());
    const meter = await startMeteredProxy(ctx.janus.ports.ws);
    const context = await ctx.browser.newContext();
    try {
      const [page] = await openTabs(context, ctx.site, lib, 1, { server: meter.proxy.via(ctx.janus.wsUrl), keepAliveMs: 25_000 });
      await reloadUntilUsable(page!); // warm-up: not counted
      const start = performance.now();
      const samples: number[] = [];
      for (let i = 0; i < runs; i++) samples.push(await reloadUntilUsable(page!));
      const counts = meter.countSince(start);
      alive[lib] = (await ctx.janus.listSessions()).filter((id) => !before.has(id)).length;
      times[lib] = samples;
      requests[lib] = counts['total']! / runs;
      kinds[lib] = Object.entries(counts).filter(([k]) => k !== 'total')
        .map(([k, v]) => `${k} ${(v / runs).toFixed(1)}`).join(', ');
    } finally {
      await context.close();
      await meter.proxy.close();
    }
  }
  ctx.log('reload done');
  const ours = timing(times['ours']!), theirs = timing(times['janus.js']!);
  return [
    { scenario: '2', metric: 'reload -> handle usable again', unit: 'ms', ours: ours.value, janusjs: theirs.value,
      oursText: ours.text, janusjsText: theirs.text, samples: { ours: ours.summary, janusjs: theirs.summary } },
    { scenario: '2', metric: 'Janus requests per reload', unit: 'count', ours: requests['ours']!, janusjs: requests['janus.js']!,
      note: `ours: ${kinds['ours']}; janus.js: ${kinds['janus.js']}` },
    { scenario: '2', metric: `Janus sessions alive right after ${runs + 1} reloads of one tab`, unit: 'count',
      ours: alive['ours']!, janusjs: alive['janus.js']!, note: 'janus.js closes its socket on unload: Janus keeps each session for the reclaim window (30 s here)' },
  ];
}
