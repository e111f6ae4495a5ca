// Row 2 (a lone tab's reload) in WebKit, Safari's engine: Debian's WebKitGTK MiniBrowser over
// WebDriver (e2e/webkit/webdriver.ts; under xvfb-run), one browser per page kind. Its SharedWorker
// dies with its last page, as in Safari: each reload of the keeper's page starts a new worker.
// WebKitGTK here has no WebRTC: janus.js's page gets a stand-in RTCPeerConnection to start at all
// (the row sends EchoTest messages only, no media).
import { WebKitSession } from '../../e2e/webkit/webdriver.js';
import { benchPageUrl, type ReloadTiming } from '../browser.js';
import type { BenchContext } from '../context.js';
import type { Row } from '../table.js';
import { reloadRows } from './reload.js';

/** The page's error, or whether it is ready. */
const READY = "return document.body?.dataset.error || document.body?.dataset.ready === 'true'";
const TIMING = "return document.body?.dataset.ready === 'true' ? { ms: window.bench.usableAfterReloadMs, parts: window.bench.reloadParts, page: performance.timeOrigin } : null";

export function webkitReloads(ctx: Omit<BenchContext, 'browser'>): Promise<Row[]> {
  return reloadRows(ctx, false, async (lib, server, runs, counting) => {
    const browser = await WebKitSession.start();
    try {
      await browser.goto(benchPageUrl(ctx.site, lib, { server, keepAliveMs: 25_000, stubWebRtc: true }));
      await browser.waitFor(READY, 30_000);
      const failed = await browser.run<string | boolean>(READY);
      if (typeof failed === 'string') throw new Error(`bench page failed in WebKit: ${failed}`);
      await reloadOnce(browser); // warm-up: not counted
      counting();
      const timings: ReloadTiming[] = [];
      for (let i = 0; i < runs; i++) timings.push(await reloadOnce(browser));
      return timings;
    } finally {
      await browser.close();
    }
  });
}

async function reloadOnce(browser: WebKitSession): Promise<ReloadTiming> {
  // The reload comes from a timer, after the script returned: the reloaded page is the one with another time origin.
  const before = await browser.run<number>('setTimeout(() => window.bench.reload(), 0); return performance.timeOrigin;');
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const timing = await browser.run<(ReloadTiming & { page: number }) | null>(TIMING).catch(() => null); // null: still navigating
    if (timing && timing.page !== before) return { ms: timing.ms, parts: timing.parts };
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error('the WebKit page was not usable again within 30 s of a reload');
}
