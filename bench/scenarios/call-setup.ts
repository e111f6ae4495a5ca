// 8. Call setup with real media: attach a new EchoTest handle -> offer (getUserMedia on Chromium's
// fake camera and microphone) -> answer -> Janus's `webrtcup`, then hang up (detach). Ours: the
// page's RTCPeerConnection, signaling (attach, message with jsep, trickle, the webrtcup event)
// through the keeper; janus.js: its own createOffer / handleRemoteJsep / webrtcState. Signaling
// goes through the delayed proxy; media and ICE checks go straight to Janus over UDP (loopback),
// so the delay is charged to signaling only. One tab of each, calls taken in turns.
import type { Page } from '@playwright/test';
import type { BenchContext } from '../context.js';
import { LIBS, openTabs, type Lib } from '../browser.js';
import { startMeteredProxy } from '../janus-meter.js';
import { timing, type Row } from '../table.js';

export async function callSetup(ctx: BenchContext): Promise<Row[]> {
  const runs = ctx.quick ? 1 : ctx.delayMs > 0 ? 6 : 10;
  const samples: Record<Lib, number[]> = { ours: [], 'janus.js': [] };
  const meter = await startMeteredProxy(ctx.janus.ports.ws, ctx.delayMs);
  const contexts = await Promise.all(LIBS.map(() => ctx.browser.newContext()));
  try {
    const pages: Page[] = [];
    for (const [i, lib] of LIBS.entries()) {
      pages.push((await openTabs(contexts[i]!, ctx.site, lib, 1, { server: meter.proxy.via(ctx.janus.wsUrl), keepAliveMs: 25_000 }))[0]!);
    }
    const call = (page: Page) => page.evaluate(() => (window as any).bench.call() as Promise<number>);
    for (const page of pages) await call(page); // warm-up: the first getUserMedia opens the fake devices
    for (let run = 0; run < runs; run++) {
      for (const lib of run % 2 === 0 ? LIBS : [...LIBS].reverse()) {
        samples[lib].push(await call(pages[LIBS.indexOf(lib)]!));
      }
    }
  } finally {
    await Promise.all(contexts.map((context) => context.close()));
    await meter.proxy.close();
  }
  ctx.log(`call setup done (link ${ctx.delayMs} ms)`);
  const ours = timing(samples.ours), theirs = timing(samples['janus.js']);
  return [{ scenario: '8', metric: 'call setup: attach -> offer -> answer -> webrtcup (real media, fake devices)', unit: 'ms',
    ours: ours.value, janusjs: theirs.value, oursText: ours.text, janusjsText: theirs.text,
    samples: { ours: ours.summary, janusjs: theirs.summary },
    note: 'signaling through the delayed link, media over UDP straight to Janus' }];
}
