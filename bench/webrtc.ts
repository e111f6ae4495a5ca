// `npm run bench:webrtc`: real echotest calls (Chromium's fake camera) through the keeper, on ws
// and http: offer -> webrtcup, reload -> media flowing again, ICE restart -> media on the new
// ICE credentials, and the media bitrate through 6 s signaling outages. Medians of `--runs` (10).
// Writes bench/webrtc-results.json (`--out=<file>` elsewhere). It measures; it asserts nothing.
import { writeFileSync } from 'node:fs';
import { chromium, type Page } from '@playwright/test';
import config from '../playwright.config.js';
import { startFaultProxy } from '../e2e/fixtures/fault-proxy.js';
import { startJanus } from '../e2e/fixtures/janus-launcher.js';
import { serveStatic } from '../e2e/fixtures/static-server.js';
import { writeBenchmarksPage } from './docs-page.js';
import { summarize, type Summary } from './stats.js';

const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const RUNS = Number(arg('runs') ?? 10);
const OUTAGES = Number(arg('outages') ?? 3);
const OUTAGE_MS = 6_000;
const SAMPLE_MS = 500;
const out = arg('out') ?? new URL('./webrtc-results.json', import.meta.url);

const media = config.projects?.find((project) => project.name === 'media')?.use?.launchOptions;
const browser = await chromium.launch({ headless: true, ...media });
const janus = await startJanus({ sessionTimeout: 60, reclaimTimeout: 30, logLevel: 2 });
const site = await serveStatic({ '/dist/': 'dist', '/e2e/pages/': 'e2e/pages' });
const log = (text: string) => console.error(`[bench:webrtc] ${text}`);
const results: Record<string, Record<string, Summary>> = {};

const call = <T>(page: Page, fn: string, ...args: unknown[]) =>
  page.evaluate(([name, rest]) => (window as any).call[name as string](...(rest as unknown[])), [fn, args] as const) as Promise<T>;

async function open(page: Page, server: string): Promise<void> {
  await page.goto(`${site.url}/e2e/pages/call.html?${new URLSearchParams({ server })}`);
  await ready(page);
}

async function ready(page: Page): Promise<void> {
  await page.waitForFunction(() => document.body.dataset.ready === 'true' || document.body.dataset.error);
  const error = await page.evaluate(() => document.body.dataset.error);
  if (error) throw new Error(error);
}

try {
  for (const kind of ['ws', 'http'] as const) {
    const proxy = await startFaultProxy(kind === 'ws' ? janus.ports.ws : janus.ports.http);
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await open(page, proxy.via(kind === 'ws' ? janus.wsUrl : janus.httpUrl));
      const up: number[] = [];
      const reload: number[] = [];
      const restart: number[] = [];
      const restartAnswer: number[] = [];
      let restartFallbacks = 0;
      for (let run = 0; run < RUNS; run++) {
        const { handleId, offeredAt, upAt } = await call<{ handleId: number; offeredAt: number; upAt: number }>(page, 'echo');
        up.push(upAt - offeredAt);
        await call(page, 'mediaAfter', handleId, 0);
        if (run < RUNS - 1) await call(page, 'end', handleId);
      }
      log(`${kind}: offer -> webrtcup done`);
      for (let run = 0; run < RUNS; run++) {
        const handleId = await call<number>(page, 'savedHandle');
        await call(page, 'mediaAfter', handleId, 0);
        const started = Date.now();
        await page.reload();
        await ready(page);
        await call(page, 'echo', handleId);
        await call(page, 'mediaAfter', handleId, 0);
        reload.push(Date.now() - started);
      }
      log(`${kind}: reload -> media done`);
      const handleId = await call<number>(page, 'savedHandle');
      for (let run = 0; run < RUNS; run++) {
        const timed = await call<{ started: number; answeredAt: number; mediaAt: number; onNewPair: boolean; restartsAfter?: number }>(
          page, 'timedIceRestart', handleId);
        if (!timed.onNewPair) log(`${kind}: ICE restart run ${run}: no media on the new credentials within 15 s`);
        if (timed.restartsAfter) restartFallbacks++;
        if (timed.restartsAfter) log(`${kind}: ICE restart run ${run}: it did not connect; the helper's next restart did`);
        restart.push(timed.mediaAt - timed.started);
        restartAnswer.push(timed.answeredAt - timed.started);
      }
      log(`${kind}: ICE restart done`);
      const lowest: number[] = [];
      const all: number[] = [];
      for (let outage = 0; outage < OUTAGES; outage++) {
        const ufragBefore = (await call<{ remote: string }>(page, 'ufrags', handleId)).remote;
        proxy.setMode('refuse');
        proxy.reset();
        let last = { bytes: await call<number>(page, 'inboundBytes', handleId), at: Date.now() };
        const samples: number[] = [];
        const end = Date.now() + OUTAGE_MS;
        while (Date.now() < end) {
          await new Promise((resolve) => setTimeout(resolve, SAMPLE_MS));
          const now = { bytes: await call<number>(page, 'inboundBytes', handleId), at: Date.now() };
          samples.push(((now.bytes - last.bytes) * 8) / (now.at - last.at)); // kbit/s
          last = now;
        }
        proxy.setMode('pass');
        await page.waitForFunction(() => (window as any).keeper.currentState.state === 'ready', undefined, { timeout: 30_000 });
        // The claim's missed-events makes the helper restart ICE: let it finish before the next
        // outage (a restart whose answer an outage swallows stalls the media until signaling is back).
        await page.waitForFunction(([id, ufrag]) => (window as any).call.ufrags(id).remote !== ufrag
          && (window as any).call.signalingState(id) === 'stable', [handleId, ufragBefore] as const, { timeout: 30_000 });
        await call(page, 'mediaAfter', handleId, await call<number>(page, 'inboundBytes', handleId));
        lowest.push(Math.min(...samples));
        all.push(...samples);
      }
      log(`${kind}: outages done`);
      results[kind] = {
        'offer -> webrtcup (ms)': summarize(up),
        'reload -> media flowing again (ms)': summarize(reload),
        'ICE restart: offer -> answer applied (ms)': summarize(restartAnswer),
        'ICE restart -> media on the new ICE credentials (ms)': summarize(restart),
        'ICE restarts that needed the helper\'s next restart (count)': summarize([restartFallbacks]),
        'lowest 500 ms bitrate per 6 s outage (kbit/s)': summarize(lowest),
        'all 500 ms bitrates during outages (kbit/s)': summarize(all),
      };
    } finally {
      await context.close();
      await proxy.close();
    }
  }
} finally {
  await browser.close();
  await site.close();
  await janus.stop();
}

const fmt = (value: number) => (Number.isFinite(value) ? value.toFixed(1) : '—');
console.log('| measure | ws median (min-max) | http median (min-max) | runs |\n|---|---|---|---|');
for (const measure of Object.keys(results['ws'] ?? {})) {
  const cell = (kind: string) => {
    const s = results[kind]?.[measure];
    return s ? `${fmt(s.median)} (${fmt(s.min)}-${fmt(s.max)})` : '—';
  };
  console.log(`| ${measure} | ${cell('ws')} | ${cell('http')} | ${results['ws']![measure]!.runs} |`);
}
writeFileSync(out, JSON.stringify({ measuredAt: new Date().toISOString(), runs: RUNS, outages: OUTAGES, outageMs: OUTAGE_MS,
  sampleMs: SAMPLE_MS, results }, null, 2) + '\n');
// The committed results (no --out) also rewrite docs/benchmarks.md.
if (arg('out') === undefined) writeBenchmarksPage();
