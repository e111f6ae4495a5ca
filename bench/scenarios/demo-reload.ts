// 12. The demo app (`npm start`'s page: public/, its app shell in control after the first load): a
// reload -> the state pill says `ready`, next to a minimal keeper page (bench/pages/keeper.html) and
// janus.js's page, both from the reload to session + handle ready (their probe left out). Loopback
// only: what is measured is what the demo adds to the keeper (its app shell, its own work before
// and after `connect()`), not the link.
import type { Page } from '@playwright/test';
import { serveStatic } from '../../e2e/fixtures/static-server.js';
import type { BenchContext } from '../context.js';
import { openTabs, reloadUntilUsable, type Lib } from '../browser.js';
import { startMeteredProxy } from '../janus-meter.js';
import { quantile } from '../stats.js';
import { timing, type Row } from '../table.js';

const median = (values: number[]) => quantile(values, 0.5);

/** In every page of the demo's context: the epoch ms at which the state pill first reads `ready`. */
const WATCH_READY = () => {
  const w = window as unknown as { demoReadyAt?: number };
  new MutationObserver(() => {
    if (w.demoReadyAt === undefined && document.querySelector<HTMLElement>('[data-testid="state"]')?.dataset['state'] === 'ready') {
      w.demoReadyAt = performance.timeOrigin + performance.now();
    }
  }).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-state'] });
};

export async function demoReload(ctx: BenchContext): Promise<Row[]> {
  const runs = ctx.quick ? 2 : 20;
  const meter = await startMeteredProxy(ctx.janus.ports.ws, 0);
  const server = meter.proxy.via(ctx.janus.wsUrl);
  const app = await serveStatic({ '/': 'public' });
  try {
    const url = `${app.url}/?${new URLSearchParams({ server })}`;
    const demo = await demoReloads(ctx, url, runs, true);
    const noShell = median(await demoReloads(ctx, url, runs, false));
    const pages: Record<Lib, number[]> = { ours: [], 'janus.js': [] };
    for (const lib of ['ours', 'janus.js'] as const) {
      const context = await ctx.browser.newContext();
      try {
        const [page] = await openTabs(context, ctx.site, lib, 1, { server, keepAliveMs: 25_000 });
        await reloadUntilUsable(page!); // warm-up
        for (let i = 0; i < runs; i++) {
          const { parts } = await reloadUntilUsable(page!);
          pages[lib].push(parts.pageLoadMs + parts.setupMs);
        }
      } finally {
        await context.close();
      }
    }
    ctx.log('demo reload done');
    const ours = timing(demo);
    const theirs = timing(pages['janus.js']);
    const minimal = median(pages.ours);
    return [
      { scenario: '12', metric: 'the demo app: reload -> ready (its app shell in control)', unit: 'ms',
        ours: ours.value, janusjs: theirs.value, oursText: ours.text, janusjsText: theirs.text,
        samples: { ours: ours.summary, janusjs: theirs.summary }, delayMs: 0,
        note: `janus.js: its bench page, reload -> session + handle ready; a minimal keeper page (bench/pages/keeper.html) the same: ${minimal.toFixed(1)} ms` },
      { scenario: '12', metric: 'the demo app minus a minimal keeper page, reload -> ready (medians)', unit: 'ms',
        ours: ours.value - minimal, janusjs: null, delayMs: 0,
        note: `what the demo adds to the keeper: its app shell (a service worker answering the page's requests) and its own script; without the shell (service workers blocked) the demo is ready in ${noShell.toFixed(1)} ms; goal <= 10 ms` },
    ];
  } finally {
    await app.close();
    await meter.proxy.close();
  }
}

/** `shell` false: service workers blocked, so the demo runs without its app shell (what the shell costs). */
async function demoReloads(ctx: BenchContext, url: string, runs: number, shell: boolean): Promise<number[]> {
  const context = await ctx.browser.newContext({ serviceWorkers: shell ? 'allow' : 'block' });
  try {
    await context.addInitScript(WATCH_READY);
    const page = await context.newPage();
    await page.goto(url);
    // The first load registers the app shell; from the next load on it controls the page, as users see it.
    if (shell) await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
    const times: number[] = [];
    for (let i = -1; i < runs; i++) {
      const reloadAt = await page.evaluate(() => {
        const at = performance.timeOrigin + performance.now();
        setTimeout(() => location.reload(), 0);
        return at;
      });
      const readyAt = await readyAfter(page, reloadAt);
      if (shell && i < 0 && !await page.evaluate(() => navigator.serviceWorker.controller !== null)) {
        throw new Error('the demo\'s app shell does not control the page after a reload');
      }
      if (i >= 0) times.push(readyAt - reloadAt); // i = -1: a warm-up reload
    }
    return times;
  } finally {
    await context.close();
  }
}

/** Polls the reloaded page (across its navigation) for the moment its pill first read `ready`. */
async function readyAfter(page: Page, since: number): Promise<number> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const readyAt = await page.evaluate(() => (window as unknown as { demoReadyAt?: number }).demoReadyAt).catch(() => undefined);
    if (readyAt !== undefined && readyAt > since) return readyAt;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error('the demo was not ready within 30 s of a reload');
}
