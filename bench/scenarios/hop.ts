// 11. The page <-> worker hop alone, no Janus: 1, 8 and 50 tabs at once each call `keeper.state()`
// (answered from the keeper's memory) one after the other and time each round trip. This is the
// keeper's own per-call cost: one Comlink call (a message each way on the SharedWorker's port, the
// events on their own port) and one deadline timer per link. janus.js has no such hop (n/a).
import type { BenchContext } from '../context.js';
import { openTabs } from '../browser.js';
import { quantile } from '../stats.js';
import type { Row } from '../table.js';

/** Tabs at once, and calls per tab (about 4,000-5,000 calls per count in a full run). */
const FULL: Array<[tabs: number, perTab: number]> = [[1, 4_000], [8, 500], [50, 100]];
const QUICK: Array<[tabs: number, perTab: number]> = [[1, 20], [2, 20]];

export async function workerHop(ctx: BenchContext): Promise<Row[]> {
  const rows: Row[] = [];
  for (const [tabs, perTab] of ctx.quick ? QUICK : FULL) {
    const samples = await hops(ctx, tabs, perTab);
    ctx.log(`worker hop, ${tabs} tabs, done`);
    for (const [label, q] of [['p50', 0.5], ['p99', 0.99]] as const) {
      rows.push({
        scenario: '11', metric: `page -> keeper worker -> page, no Janus (state() from memory), ${tabs} tab${tabs === 1 ? '' : 's'} at once, ${label}`,
        unit: 'ms', ours: quantile(samples, q), janusjs: null,
        ...(label === 'p50' ? { note: `${samples.length} calls` } : {}),
      });
    }
  }
  return rows;
}

async function hops(ctx: BenchContext, tabs: number, perTab: number): Promise<number[]> {
  const context = await ctx.browser.newContext();
  try {
    const pages = await openTabs(context, ctx.site, 'ours', tabs, { server: ctx.janus.wsUrl, keepAliveMs: 25_000 });
    const round = (n: number) => Promise.all(pages.map((page) =>
      page.evaluate((count) => (window as any).bench.hopMany(count) as Promise<number[]>, n)));
    await round(20); // warm-up
    return (await round(perTab)).flat();
  } finally {
    await context.close();
  }
}
