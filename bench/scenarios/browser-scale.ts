// 9. Scale inside one browser: up to 50 tabs and 200 handles on one keeper SharedWorker (one
// Janus session). At each step: the worker's JS heap after a full GC (CDP), and a burst of ~1,000
// EchoTest round trips with every handle busy at once (message -> event p50/p99, Chromium's CPU
// time for the burst per 1,000 events, all its processes: pages, worker, browser). Loopback
// only: this is the keeper's own cost, which the link delay would only hide.
import type { BrowserContext, Page } from '@playwright/test';
import type { BenchContext } from '../context.js';
import { openTabs, waitReady } from '../browser.js';
import { probeSharedWorker } from '../cdp.js';
import { startMeteredProxy } from '../janus-meter.js';
import { quantile } from '../stats.js';
import type { Row } from '../table.js';

interface Step { tabs: number; handles: number; heap: number; p50: number; p99: number; cpuPer1000: number; events: number }

export async function browserScale(ctx: BenchContext): Promise<Row[]> {
  const plan = ctx.quick ? [{ tabs: 2, handlesPerTab: 1 }, { tabs: 3, handlesPerTab: 2 }]
    : [{ tabs: 10, handlesPerTab: 1 }, { tabs: 25, handlesPerTab: 1 }, { tabs: 50, handlesPerTab: 1 }, { tabs: 50, handlesPerTab: 2 }, { tabs: 50, handlesPerTab: 4 }];
  const burst = ctx.quick ? 20 : 1_000;
  const meter = await startMeteredProxy(ctx.janus.ports.ws, 0);
  const context = await ctx.browser.newContext();
  const steps: Step[] = [];
  let baseHeap = 0;
  try {
    const pages: Page[] = [];
    const perTab: number[] = [];
    const server = meter.proxy.via(ctx.janus.wsUrl);
    pages.push(...await openTabs(context, ctx.site, 'ours', 1, { server, keepAliveMs: 25_000 }));
    perTab.push(1);
    const probe = await probeSharedWorker(ctx.browser, 'keeper-worker.js');
    try {
      baseHeap = await probe.heapUsed();
      for (const { tabs, handlesPerTab } of plan) {
        // One openTabs call per step: they share the context, so the same keeper (same name).
        if (pages.length < tabs) pages.push(...await openMore(ctx, context, pages[0]!, tabs - pages.length));
        while (perTab.length < pages.length) perTab.push(1);
        await Promise.all(pages.map(async (page, i) => {
          const more = handlesPerTab - perTab[i]!;
          if (more > 0) await page.evaluate((n) => (window as any).bench.attachMore(n) as Promise<void>, more);
          perTab[i] = handlesPerTab;
        }));
        const heap = await probe.heapUsed();
        const handles = tabs * handlesPerTab;
        const perHandle = Math.max(1, Math.round(burst / handles));
        const cpuBefore = await probe.browserCpuSeconds();
        const times = (await Promise.all(pages.map((page) =>
          page.evaluate((n) => (window as any).bench.echoOnAll(n) as Promise<number[]>, perHandle)))).flat();
        const cpu = await probe.browserCpuSeconds() - cpuBefore;
        steps.push({ tabs, handles, heap, p50: quantile(times, 0.5), p99: quantile(times, 0.99),
          cpuPer1000: (cpu * 1000 / times.length) * 1000, events: times.length });
        ctx.log(`browser scale: ${tabs} tabs, ${handles} handles done`);
      }
    } finally {
      await probe.close();
    }
  } finally {
    await context.close();
    await meter.proxy.close();
  }
  return rows(steps, baseHeap);
}

/** More tabs of the keeper page in the same context, with the first tab's URL (same keeper). */
async function openMore(ctx: BenchContext, context: BrowserContext, first: Page, count: number): Promise<Page[]> {
  const pages: Page[] = [];
  for (let i = 0; i < count; i++) {
    const page = await context.newPage();
    await page.goto(first.url());
    await waitReady(page);
    pages.push(page);
  }
  ctx.log(`browser scale: ${count} more tabs open`);
  return pages;
}

function rows(steps: Step[], baseHeap: number): Row[] {
  const out: Row[] = [];
  const row = (metric: string, unit: Row['unit'], ours: number, oursText?: string, note?: string): Row =>
    ({ scenario: '9', metric, unit, ours, janusjs: null, ...(oursText ? { oursText } : {}), ...(note ? { note } : {}) });
  for (const s of steps) {
    const at = `${s.tabs} tabs, ${s.handles} handles`;
    out.push(row(`${at}: message -> event, every handle busy, p50 / p99`, 'ms', s.p99,
      `${s.p50.toFixed(1)} / ${s.p99.toFixed(1)} ms`, `${s.events} round trips; one keeper, one Janus session; janus.js would hold ${s.tabs} sessions`));
    out.push(row(`${at}: Chromium CPU per 1,000 events (all processes)`, 'ms', s.cpuPer1000));
    out.push(row(`${at}: keeper worker JS heap after GC`, 'bytes', s.heap,
      `${(s.heap / 1024 / 1024).toFixed(2)} MiB (${((s.heap - baseHeap) / Math.max(1, s.tabs - 1) / 1024).toFixed(1)} KiB per extra tab incl. its handles, above 1 tab)`));
  }
  const lastTabs = steps.at(-1);
  const fewer = lastTabs && steps.find((s) => s.tabs === lastTabs.tabs);
  if (lastTabs && fewer && fewer.handles < lastTabs.handles) {
    const perHandle = (lastTabs.heap - fewer.heap) / (lastTabs.handles - fewer.handles);
    out.push(row(`worker JS heap per extra handle (${fewer.handles} -> ${lastTabs.handles} handles on ${lastTabs.tabs} tabs)`, 'bytes', perHandle,
      `${(perHandle / 1024).toFixed(2)} KiB`));
  }
  return out;
}
