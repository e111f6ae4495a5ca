// 3. An outage: the proxy resets every connection and refuses new ones for 5 s, then passes
// again. Both clients (one fresh tab each per run, in their own browser context) sit behind the
// same proxy and go through the same outage; each page then retries EchoTest messages until one
// is answered.
// Measured: ms from the restore until that answer (mostly the luck of the backoff draw, the same
// schedule for both); ms from the first connection after the restore (seen at the proxy) until
// that answer reaches Node (the client's own cost of getting back: claim, re-bind, message); and whether the session id and the handle id
// are still the ones the page started with (checked in the page; ids never leave it).
// Over both transports (the pages get a ws:// or an http:// URL); the client's own cost is also
// given in round trips of the link (2 x the one-way delay; the TCP handshake is one of them).
import type { BenchContext } from '../context.js';
import { LIBS, openTabs, sleep, type Lib } from '../browser.js';
import { startMeteredProxy } from '../janus-meter.js';
import { timing, type Row } from '../table.js';
import type { Page } from '@playwright/test';

export async function recovery(ctx: BenchContext): Promise<Row[]> {
  const rows: Row[] = [];
  for (const kind of ['ws', 'http'] as const) rows.push(...await recoveryOver(ctx, kind));
  return rows;
}

async function recoveryOver(ctx: BenchContext, kind: 'ws' | 'http'): Promise<Row[]> {
  const runs = ctx.quick ? 1 : ctx.delayMs > 0 ? 4 : 6;
  const outageMs = ctx.quick ? 300 : 5_000;
  const port = kind === 'ws' ? ctx.janus.ports.ws : ctx.janus.ports.http;
  const url = kind === 'ws' ? ctx.janus.wsUrl : ctx.janus.httpUrl;
  const times: Record<Lib, number[]> = { ours: [], 'janus.js': [] };
  const fromReconnect: Record<Lib, number[]> = { ours: [], 'janus.js': [] };
  const survived: Record<Lib, number> = { ours: 0, 'janus.js': 0 };
  for (let run = 0; run < runs; run++) {
    // Fresh tabs each run: runs stay independent (the keeper's own limit of 60 create/claim
    // attempts per minute would otherwise couple back-to-back outages; see the README).
    // One proxy per client, faulted together, so the proxy can tell whose reconnection got through.
    const meters = await Promise.all(LIBS.map(() => startMeteredProxy(port, ctx.delayMs)));
    const contexts = await Promise.all(LIBS.map(() => ctx.browser.newContext()));
    try {
      const pages: Page[] = [];
      for (const [i, lib] of LIBS.entries()) {
        pages.push((await openTabs(contexts[i]!, ctx.site, lib, 1, { server: meters[i]!.proxy.via(url), keepAliveMs: 25_000 }))[0]!);
      }
      for (const meter of meters) meter.proxy.setMode('refuse');
      for (const meter of meters) meter.proxy.reset();
      await sleep(outageMs);
      for (const meter of meters) meter.proxy.setMode('pass');
      const restoredAt = performance.now();
      const results = await Promise.all(pages.map(async (page) => {
        const ms = await page.evaluate(() => (window as any).bench.probeUntilUsable(60_000) as Promise<number>);
        const answeredAt = performance.now();
        return { ms, answeredAt, same: await page.evaluate(() => (window as any).bench.sameIds() as Promise<boolean>) };
      }));
      for (const [i, lib] of LIBS.entries()) {
        const result = results[i]!;
        times[lib].push(result.ms);
        const reconnectedAt = meters[i]!.connectionsOpened.find((at) => at >= restoredAt);
        if (reconnectedAt !== undefined) fromReconnect[lib].push(result.answeredAt - reconnectedAt);
        if (result.same) survived[lib]++;
      }
    } finally {
      await Promise.all(contexts.map((context) => context.close()));
      await Promise.all(meters.map((meter) => meter.proxy.close()));
    }
  }
  ctx.log(`recovery ${kind} done (link ${ctx.delayMs} ms)`);
  const roundTrip = 2 * ctx.delayMs;
  const inRoundTrips = (value: number) => roundTrip > 0 ? `; ${(value / roundTrip).toFixed(1)} round trips of ${roundTrip} ms` : '';
  const ours = timing(times.ours), theirs = timing(times['janus.js']);
  const kept = (lib: Lib) => `${survived[lib]}/${runs}`;
  return [
    { scenario: '3', metric: `${kind}: restore after a ${outageMs / 1000} s outage -> first EchoTest answer`, unit: 'ms',
      ours: ours.value, janusjs: theirs.value, oursText: ours.text, janusjsText: theirs.text,
      samples: { ours: ours.summary, janusjs: theirs.summary },
      note: 'reset + refuse, then pass; both clients back off 250 ms..2 s with full jitter' },
    (() => {
      const a = timing(fromReconnect.ours), b = timing(fromReconnect['janus.js']);
      return { scenario: '3', metric: `${kind}: first connection after the restore -> first EchoTest answer`, unit: 'ms' as const,
        ours: a.value, janusjs: b.value, oursText: a.text + inRoundTrips(a.value), janusjsText: b.text + inRoundTrips(b.value),
        samples: { ours: a.summary, janusjs: b.summary },
        note: 'the client\'s own cost of getting back, without the backoff draw; from the connection\'s first bytes at the proxy' };
    })(),
    { scenario: '3', metric: `${kind}: same session id and handle id after the outage`, unit: 'count',
      ours: null, janusjs: null, oursText: kept('ours'), janusjsText: kept('janus.js') },
  ];
}
