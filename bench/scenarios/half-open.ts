// 4. A half-open link: the proxy blackholes (keeps every socket, forwards nothing), as a dead
// route does. Measured: ms until the client notices (ours: the keeper leaves `ready`; janus.js:
// its error callback), capped. Both clients get the same keepalive period; ours also has its
// keepalive answer deadline (default 5 s). A fresh tab of each per run, same blackhole for both.
import type { BenchContext } from '../context.js';
import { LIBS, openTabs, sleep, type Lib } from '../browser.js';
import { startMeteredProxy } from '../janus-meter.js';
import { timing, type Row } from '../table.js';
import type { Page } from '@playwright/test';

export async function halfOpen(ctx: BenchContext): Promise<Row[]> {
  const runs = ctx.quick ? 1 : ctx.delayMs > 0 ? 1 : 2;
  const capMs = ctx.quick ? 2_000 : 60_000;
  const keepAliveMs = ctx.quick ? 500 : 5_000;
  const keepAliveTimeoutMs = ctx.quick ? 500 : undefined;
  const noticed: Record<Lib, number[]> = { ours: [], 'janus.js': [] };
  const missed: Record<Lib, number> = { ours: 0, 'janus.js': 0 };
  for (let run = 0; run < runs; run++) {
    const meter = await startMeteredProxy(ctx.janus.ports.ws, ctx.delayMs);
    const contexts = await Promise.all(LIBS.map(() => ctx.browser.newContext()));
    try {
      const pages: Page[] = [];
      for (const [i, lib] of LIBS.entries()) {
        pages.push((await openTabs(contexts[i]!, ctx.site, lib, 1,
          { server: meter.proxy.via(ctx.janus.wsUrl), keepAliveMs, ...(keepAliveTimeoutMs ? { keepAliveTimeoutMs } : {}) }))[0]!);
      }
      await sleep(Math.random() * keepAliveMs); // any phase of the keepalive cycle
      await Promise.all(pages.map((page) => page.evaluate(() => (window as any).bench.arm())));
      meter.proxy.setMode('blackhole');
      const start = performance.now();
      const found: (number | undefined)[] = pages.map(() => undefined);
      while (performance.now() - start < capMs && found.some((value) => value === undefined)) {
        await sleep(50);
        for (const [i, page] of pages.entries()) {
          found[i] ??= await page.evaluate(() => (window as any).bench.noticedMs() as number | undefined);
        }
      }
      for (const [i, lib] of LIBS.entries()) {
        if (found[i] === undefined) missed[lib]++;
        else noticed[lib].push(found[i]!);
      }
      meter.proxy.setMode('pass');
    } finally {
      await Promise.all(contexts.map((context) => context.close()));
      await meter.proxy.close();
    }
  }
  ctx.log(`half-open done (link ${ctx.delayMs} ms)`);
  const cell = (lib: Lib) => {
    if (noticed[lib].length === 0) return { value: capMs, text: `not noticed in ${capMs / 1000} s (${runs}/${runs} runs)` };
    const t = timing(noticed[lib]);
    return { value: missed[lib] ? capMs : t.value, text: missed[lib] ? `${t.text}; ${missed[lib]} run(s) not noticed in ${capMs / 1000} s` : t.text };
  };
  const ours = cell('ours'), theirs = cell('janus.js');
  return [{ scenario: '4', metric: 'half-open link (blackhole) noticed after', unit: 'ms',
    ours: ours.value, janusjs: theirs.value, oursText: ours.text, janusjsText: theirs.text,
    note: `keepalive every ${keepAliveMs / 1000} s for both; ours waits ${(keepAliveTimeoutMs ?? 5_000) / 1000} s for its ack; cap ${capMs / 1000} s (a ratio against the cap is a lower bound)` }];
}
