// 5. Event delivery to 8 tabs at once: each tab sends EchoTest messages one after the other and
// times each until its event answer arrives. Ours: page -> keeper SharedWorker -> its one
// WebSocket -> Janus, and the event back through the worker to the tab. janus.js: each page's
// own WebSocket. p50 / p99 over all round trips of all tabs. Both sets of tabs stay open and the
// two clients take turns in short rounds, so a change in machine load hits both alike.
import type { Page } from '@playwright/test';
import type { BenchContext } from '../context.js';
import { LIBS, openTabs, type Lib } from '../browser.js';
import { startMeteredProxy } from '../janus-meter.js';
import { quantile } from '../stats.js';
import type { Row } from '../table.js';

export async function eventLatency(ctx: BenchContext): Promise<Row[]> {
  const tabs = ctx.quick ? 2 : 8;
  const rounds = ctx.quick ? 1 : ctx.delayMs > 0 ? 2 : 5;
  const perTabPerRound = ctx.quick ? 5 : 25;
  const samples: Record<Lib, number[]> = { ours: [], 'janus.js': [] };
  const meter = await startMeteredProxy(ctx.janus.ports.ws, ctx.delayMs);
  const contexts = await Promise.all(LIBS.map(() => ctx.browser.newContext()));
  try {
    const pages: Record<Lib, Page[]> = { ours: [], 'janus.js': [] };
    for (const [i, lib] of LIBS.entries()) {
      pages[lib] = await openTabs(contexts[i]!, ctx.site, lib, tabs, { server: meter.proxy.via(ctx.janus.wsUrl), keepAliveMs: 25_000 });
    }
    const round = (lib: Lib, n: number) => Promise.all(pages[lib].map((page) =>
      page.evaluate((count) => (window as any).bench.echoMany(count) as Promise<number[]>, n)));
    for (const lib of LIBS) await round(lib, 5); // warm-up
    for (let r = 0; r < rounds; r++) {
      for (const lib of r % 2 === 0 ? LIBS : [...LIBS].reverse()) samples[lib].push(...(await round(lib, perTabPerRound)).flat());
    }
  } finally {
    await Promise.all(contexts.map((context) => context.close()));
    await meter.proxy.close();
  }
  ctx.log(`event latency done (link ${ctx.delayMs} ms)`);
  const rows: Row[] = [];
  for (const [label, q] of [['p50', 0.5], ['p99', 0.99]] as const) {
    rows.push({ scenario: '5', metric: `EchoTest message -> event, ${tabs} tabs at once, ${label}`, unit: 'ms',
      ours: quantile(samples.ours, q), janusjs: quantile(samples['janus.js'], q),
      ...(label === 'p50' ? { note: `${samples.ours.length} round trips per client; ours through the SharedWorker` } : {}) });
  }
  return rows;
}
