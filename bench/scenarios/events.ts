// 5. Event delivery to 8 tabs at once: each tab sends EchoTest messages one after the other and
// times each until its event answer arrives. Ours: page -> keeper SharedWorker -> its one
// WebSocket -> Janus, and the event back through the worker to the tab. janus.js: each page's
// own WebSocket. p50 / p99 over all round trips of all tabs.
import type { BenchContext } from '../context.js';
import { LIBS, openTabs, type Lib } from '../browser.js';
import { startMeteredProxy } from '../janus-meter.js';
import { quantile, summarize } from '../stats.js';
import { fmt, type Row } from '../table.js';

export async function eventLatency(ctx: BenchContext): Promise<Row[]> {
  const tabs = ctx.quick ? 2 : 8;
  const perTab = ctx.quick ? 5 : 125;
  const samples: Record<Lib, number[]> = { ours: [], 'janus.js': [] };
  for (const lib of LIBS) {
    const meter = await startMeteredProxy(ctx.janus.ports.ws);
    const context = await ctx.browser.newContext();
    try {
      const pages = await openTabs(context, ctx.site, lib, tabs, { server: meter.proxy.via(ctx.janus.wsUrl), keepAliveMs: 25_000 });
      await Promise.all(pages.map((page) => page.evaluate(() => (window as any).bench.echoMany(5)))); // warm-up
      const all = await Promise.all(pages.map((page) =>
        page.evaluate((n) => (window as any).bench.echoMany(n) as Promise<number[]>, perTab)));
      samples[lib] = all.flat();
    } finally {
      await context.close();
      await meter.proxy.close();
    }
  }
  ctx.log('event latency done');
  const rows: Row[] = [];
  for (const [label, q] of [['p50', 0.5], ['p99', 0.99]] as const) {
    const at = (lib: Lib) => quantile(samples[lib], q);
    rows.push({ scenario: '5', metric: `EchoTest message -> event, ${tabs} tabs at once, ${label}`, unit: 'ms',
      ours: at('ours'), janusjs: at('janus.js'),
      ...(label === 'p50' ? { note: `${samples.ours.length} round trips each; ours via the SharedWorker` } : {}) });
  }
  const s = summarize(samples.ours);
  ctx.log(`  ours max ${fmt(s.max, 'ms')}, janus.js max ${fmt(summarize(samples['janus.js']).max, 'ms')}`);
  return rows;
}

