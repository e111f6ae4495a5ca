// 11. The page <-> worker hop alone, no Janus: 8 tabs at once each call `keeper.state()` (answered
// from the keeper's memory) one after the other and time each round trip. This is the keeper's own
// per-call cost on the lean protocol (one structured clone each way on the tab's port). janus.js has
// no such hop (n/a).
import type { BenchContext } from '../context.js';
import { openTabs } from '../browser.js';
import { quantile } from '../stats.js';
import type { Row } from '../table.js';

export async function workerHop(ctx: BenchContext): Promise<Row[]> {
  const tabs = ctx.quick ? 2 : 8;
  const perTab = ctx.quick ? 20 : 500;
  const context = await ctx.browser.newContext();
  let samples: number[];
  try {
    const pages = await openTabs(context, ctx.site, 'ours', tabs, { server: ctx.janus.wsUrl, keepAliveMs: 25_000 });
    const round = (n: number) => Promise.all(pages.map((page) =>
      page.evaluate((count) => (window as any).bench.hopMany(count) as Promise<number[]>, n)));
    await round(20); // warm-up
    samples = (await round(perTab)).flat();
  } finally {
    await context.close();
  }
  ctx.log('worker hop done');
  return [['p50', 0.5], ['p99', 0.99]].map(([label, q]) => ({
    scenario: '11', metric: `page -> keeper worker -> page, no Janus (state() from memory), ${tabs} tabs at once, ${label}`,
    unit: 'ms' as const, ours: quantile(samples, q as number), janusjs: null,
    ...(label === 'p50' ? { note: `${samples.length} calls` } : {}),
  }));
}
