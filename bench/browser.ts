// The browser side of the bench: Debian's Chromium or Firefox ESR through Playwright (the launch options of
// playwright.config.ts), the static server for both bench pages, and helpers to open tabs.
import { chromium, firefox, type Browser, type BrowserContext, type Page } from '@playwright/test';
import config from '../playwright.config.js';
import { serveStatic, type StaticServer } from '../e2e/fixtures/static-server.js';

export type Lib = 'ours' | 'janus.js';
/**
 * The pages a tab can load: a client's, the floor (the same harness, no Janus work), or janus.js's
 * page with the keeper's janus.js adapter (its one script tag) added.
 */
export type PageKind = Lib | 'floor' | 'janus.js+keeper' | KeeperVariant;
/**
 * The keeper's page with its worker not kept past its last page (`extendedLifetime: false`: every
 * lone-tab reload starts a new worker, as in Firefox and WebKit), and with the worker started by the
 * keeper-prestart script in the page's head (`prestart`), and the page that takes its stored handle from
 * the state the keeper sends once its claim went out, so that its first call rides the claim.
 */
export type KeeperVariant = 'ours, worker not kept' | 'ours, prestart' | 'ours, worker not kept, prestart'
  | 'ours, first call rides the claim' | 'ours, worker not kept, first call rides the claim';
export const LIBS: Lib[] = ['ours', 'janus.js'];

export interface TabOptions {
  /** ws:// URL of Janus (through a proxy). */
  server: string;
  keepAliveMs?: number;
  keepAliveTimeoutMs?: number;
}

/** The engines the bench drives through Playwright (WebKit has no Playwright driver here: e2e/webkit/). */
export type Engine = 'chromium' | 'firefox';
export const ENGINES: Engine[] = ['chromium', 'firefox'];

export async function launchBrowser(engine: Engine = 'chromium'): Promise<Browser> {
  if (engine === 'firefox') {
    // playwright.config.ts's Firefox project: Debian's Firefox ESR over WebDriver BiDi, fake media.
    const project = config.projects?.find((candidate) => candidate.name === 'firefox')?.use;
    return firefox.launch({ headless: true, channel: project?.channel, ...project?.launchOptions });
  }
  const options = config.use?.launchOptions ?? {};
  // Fake camera and microphone, granted without a prompt: the call-setup scenario sends real media.
  return chromium.launch({ headless: true, ...options,
    args: [...(options.args ?? []), '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream'] });
}

/** Serves the bench pages, our browser bundles and janus.js + webrtc-adapter from node_modules. */
export function serveBenchPages(): Promise<StaticServer> {
  return serveStatic({
    '/dist/': 'dist',
    '/bench/pages/': 'bench/pages',
    '/vendor/janus-gateway/': 'node_modules/janus-gateway/npm/src',
    '/vendor/webrtc-adapter/': 'node_modules/webrtc-adapter/out',
  });
}

let workerNames = 0;

/**
 * Opens `count` tabs of `lib`'s page in `context`, one after the other, each ready (session
 * created or joined, echotest attached). Our tabs of one context share one keeper worker.
 */
export async function openTabs(context: BrowserContext, site: StaticServer, lib: PageKind, count: number,
  options: TabOptions): Promise<Page[]> {
  const url = benchPageUrl(site, lib, options);
  const pages: Page[] = [];
  for (let i = 0; i < count; i++) {
    const page = await context.newPage();
    await page.goto(url);
    await waitReady(page);
    pages.push(page);
  }
  return pages;
}

/** The bench page of `lib` (tabs of one URL share one keeper worker; each call names a new one). */
export function benchPageUrl(site: StaticServer, lib: PageKind, options: TabOptions & { stubWebRtc?: boolean }): string {
  const query = new URLSearchParams({ server: options.server, name: `bench-${process.pid}-${++workerNames}` });
  if (options.keepAliveMs) query.set('keepAliveMs', String(options.keepAliveMs));
  if (options.keepAliveTimeoutMs) query.set('keepAliveTimeoutMs', String(options.keepAliveTimeoutMs));
  if (options.stubWebRtc) query.set('stubWebRtc', '1');
  if (lib === 'janus.js+keeper') query.set('keeper', '1');
  if (lib.includes('not kept')) query.set('extendedLifetime', '0');
  if (lib.includes('prestart')) query.set('prestart', '1');
  if (lib.includes('rides the claim')) query.set('early', '1');
  const file = lib.startsWith('ours') ? 'keeper.html'
    : { 'janus.js': 'janusjs.html', 'janus.js+keeper': 'janusjs.html', floor: 'floor.html' }[lib as Exclude<PageKind, 'ours' | KeeperVariant>];
  return `${site.url}/bench/pages/${file}?${query}`;
}

export async function waitReady(page: Page, timeoutMs = 30_000): Promise<void> {
  await page.waitForFunction(() => document.body?.dataset.ready === 'true' || document.body?.dataset.error,
    undefined, { timeout: timeoutMs, polling: 5 });
  const error = await page.evaluate(() => document.body.dataset.error);
  if (error) throw new Error(`bench page failed: ${error}`);
}

export interface ReloadTiming {
  /** location.reload() -> the reloaded page has an EchoTest answer on its handle. */
  ms: number;
  /** reload -> the page's script runs; the page's script -> session + handle ready; the probe. */
  parts: { pageLoadMs: number; setupMs: number; probeMs: number } & Partial<WorkerStartParts>;
}

/** A keeper worker started by the reload (it did not outlive the page): its start, from the page's script. */
export interface WorkerStartParts {
  /** The page's script ran -> the worker was created (negative: started before it, by a prestart). */
  workerCreatedMs: number;
  /** The worker created -> its script had run (fetch, parse, compile, evaluate). */
  workerScriptMs: number;
  /** Its script had run -> it took the page's hello. */
  workerHelloMs: number;
}

/** Reloads the tab from inside (location.reload()); ms from then until an EchoTest answer. */
export async function reloadUntilUsable(page: Page): Promise<ReloadTiming> {
  await page.evaluate(() => setTimeout(() => (window as any).bench.reload(), 0));
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    try {
      const timing = await page.evaluate(() => document.body?.dataset.ready === 'true'
        ? { ms: (window as any).bench.usableAfterReloadMs, parts: (window as any).bench.reloadParts } as ReloadTiming : undefined);
      if (timing !== undefined) return timing;
    } catch {
      // the page is navigating
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error('the page was not usable again within 30 s of a reload');
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
