// 3. An outage: the proxy resets every connection and refuses new ones for 5 s, then passes
// again. Both clients (one fresh tab each per run, in their own browser context) sit behind the
// same proxy and go through the same outage; each page then retries EchoTest messages until one
// is answered.
// Measured: ms from the restore until that answer, and whether the session id and the handle id
// are still the ones the page started with (checked in the page; ids never leave it).
import type { BenchContext } from '../context.js';
import { LIBS, openTabs, sleep, type Lib } from '../browser.js';
import { startMeteredProxy } from '../janus-meter.js';
import { timing, type Row } from '../table.js';
import type { Page } from '@playwright/test';

export async function recovery(ctx: BenchContext): Promise<Row[]> {
  const runs = ctx.quick ? 1 : 10;
  const outageMs = ctx.quick ? 300 : 5_000;
  const times: Record<Lib, number[]> = { ours: [], 'janus.js': [] };
  const survived: Record<Lib, number> = { ours: 0, 'janus.js': 0 };
  for (let run = 0; run < runs; run++) {
    // Fresh tabs each run: runs stay independent (the keeper's own limit of 60 create/claim
    // attempts per minute would otherwise couple back-to-back outages; see the README).
    const meter = await startMeteredProxy(ctx.janus.ports.ws);
    const contexts = await Promise.all(LIBS.map(() => ctx.browser.newContext()));
    try {
      const pages: Page[] = [];
      for (const [i, lib] of LIBS.entries()) {
        pages.push((await openTabs(contexts[i]!, ctx.site, lib, 1, { server: meter.proxy.via(ctx.janus.wsUrl), keepAliveMs: 25_000 }))[0]!);
      }
      meter.proxy.setMode('refuse');
      meter.proxy.reset();
      await sleep(outageMs);
      meter.proxy.setMode('pass');
      const results = await Promise.all(pages.map((page) =>
        page.evaluate(async () => {
          const bench = (window as any).bench;
          const ms = await bench.probeUntilUsable(60_000) as number;
          return { ms, same: await bench.sameIds() as boolean };
        })));
      for (const [i, lib] of LIBS.entries()) {
        times[lib].push(results[i]!.ms);
        if (results[i]!.same) survived[lib]++;
      }
    } finally {
      await Promise.all(contexts.map((context) => context.close()));
      await meter.proxy.close();
    }
  }
  ctx.log('recovery done');
  const ours = timing(times.ours), theirs = timing(times['janus.js']);
  const kept = (lib: Lib) => `${survived[lib]}/${runs}`;
  return [
    { scenario: '3', metric: `restore after a ${outageMs / 1000} s outage -> first EchoTest answer`, unit: 'ms',
      ours: ours.value, janusjs: theirs.value, oursText: ours.text, janusjsText: theirs.text,
      samples: { ours: ours.summary, janusjs: theirs.summary },
      note: 'reset + refuse, then pass; both clients back off 250 ms..2 s with full jitter' },
    { scenario: '3', metric: 'same session id and handle id after the outage', unit: 'count',
      ours: null, janusjs: null, oursText: kept('ours'), janusjsText: kept('janus.js') },
  ];
}
