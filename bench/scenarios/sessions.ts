// 1. What N open tabs cost Janus: sessions (admin list_sessions, the sessions created by this
// run's tabs) and requests per minute, counted as the Janus JSON requests the tabs' WebSockets
// carry through a metering proxy. Both clients get the same short keepalive period; the count
// over a short window is scaled to a minute.
import type { BenchContext } from '../context.js';
import { LIBS, openTabs, sleep } from '../browser.js';
import { startMeteredProxy } from '../janus-meter.js';
import type { Row } from '../table.js';

export async function sessionsAndKeepalives(ctx: BenchContext): Promise<Row[]> {
  const keepAliveMs = 1_000;
  const windowMs = ctx.quick ? 2_000 : 15_000;
  // The counts do not depend on the link: at a delayed link only the 8-tab case, as a check.
  const tabCounts = ctx.quick ? [2] : ctx.delayMs > 0 ? [8] : [1, 4, 8];
  const rows: Row[] = [];
  for (const tabs of tabCounts) {
    const result: Record<string, { sessions: number; keepalives: number; total: number }> = {};
    for (const lib of LIBS) {
      const meter = await startMeteredProxy(ctx.janus.ports.ws, ctx.delayMs);
      const before = new Set(await ctx.janus.listSessions());
      const context = await ctx.browser.newContext();
      try {
        await openTabs(context, ctx.site, lib, tabs, { server: meter.proxy.via(ctx.janus.wsUrl), keepAliveMs });
        const start = performance.now();
        await sleep(windowMs);
        const counts = meter.countSince(start);
        const sessions = (await ctx.janus.listSessions()).filter((id) => !before.has(id)).length;
        const perMinute = 60_000 / windowMs;
        result[lib] = { sessions, keepalives: (counts['keepalive'] ?? 0) * perMinute, total: counts['total']! * perMinute };
      } finally {
        await context.close();
        await meter.proxy.close();
      }
    }
    const ours = result['ours']!, theirs = result['janus.js']!;
    ctx.log(`sessions: ${tabs} tab(s) done (link ${ctx.delayMs} ms)`);
    rows.push({ scenario: '1', metric: `Janus sessions, ${tabs} tab${tabs > 1 ? 's' : ''}`, unit: 'count',
      ours: ours.sessions, janusjs: theirs.sessions });
    rows.push({ scenario: '1', metric: `keepalive requests per minute, ${tabs} tab${tabs > 1 ? 's' : ''}`, unit: 'per min',
      ours: ours.keepalives, janusjs: theirs.keepalives,
      note: `all requests: ${ours.total.toFixed(0)} vs ${theirs.total.toFixed(0)}/min` });
  }
  if (rows[1]) rows[1].note += `; keepalive every ${keepAliveMs / 1000} s for both, counted over ${windowMs / 1000} s and scaled to a minute`;
  return rows;
}
