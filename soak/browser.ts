// The soak's browser, per engine: open a tab, kill the keeper's SharedWorker, freeze a tab.
import { firefox, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { launchRawChromium } from '../e2e/fixtures/raw-chromium.js';
import type { FaultKind } from './schedule.js';

export type Engine = 'chromium' | 'firefox' | 'webkit';

export interface SoakBrowser {
  readonly engine: Engine;
  /** Fault kinds this engine cannot do here (left out of the schedule). */
  readonly cannot: readonly FaultKind[];
  /** The engine has WebRTC here (and fake devices): one tab keeps an echo call up. */
  readonly media: boolean;
  newTab(): Promise<Page>;
  /** Kills every keeper SharedWorker as the browser would (no goodbye); false: there was none. */
  killSharedWorkers(anyPage: Page | undefined): Promise<boolean>;
  /** Freezes (true) or resumes a tab (Page Lifecycle). */
  setFrozen(page: Page, frozen: boolean): Promise<void>;
  close(): Promise<void>;
}

export class EngineNotSupported extends Error {}

/** Tells the soak wrapper of the keeper worker (soak/page/worker-wrapper.js) to close itself. */
export async function killByChannel(page: Page, kind: 'shared' | 'dedicated'): Promise<void> {
  await page.evaluate((what) => new BroadcastChannel('soak-control').postMessage({ kill: what }), kind);
}

export async function launchEngine(engine: Engine): Promise<SoakBrowser> {
  if (engine === 'chromium') return chromiumBrowser();
  if (engine === 'firefox') return firefoxBrowser();
  throw new EngineNotSupported('webkit is not supported by this runner: Playwright cannot drive Debian\'s WebKitGTK '
    + '(only WebKitWebDriver, WebDriver classic, exists here; Playwright\'s own WebKit build cannot be downloaded), '
    + 'and that WebKitGTK has no WebRTC');
}

/** Chromium without Playwright's focus emulation, so that a tab behind another is really hidden and freezable. */
async function chromiumBrowser(): Promise<SoakBrowser> {
  // The soak's echo call: Chromium's fake camera and microphone, granted without a prompt.
  const raw = await launchRawChromium(['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream']);
  let first: Page | undefined = raw.firstTab;
  return {
    engine: 'chromium',
    cannot: [],
    media: true,
    async newTab() {
      if (first) {
        const page = first;
        first = undefined;
        return page;
      }
      return raw.openTabInFront();
    },
    async killSharedWorkers() {
      const cdp = await raw.browser.newBrowserCDPSession();
      try {
        const { targetInfos } = await cdp.send('Target.getTargets');
        const workers = targetInfos.filter((target) => target.type === 'shared_worker');
        for (const worker of workers) await cdp.send('Target.closeTarget', { targetId: worker.targetId }).catch(() => {});
        return workers.length > 0;
      } finally {
        await cdp.detach().catch(() => {});
      }
    },
    async setFrozen(page, frozen) {
      const cdp = await page.context().newCDPSession(page);
      try {
        await cdp.send('Page.setWebLifecycleState', { state: frozen ? 'frozen' : 'active' });
      } finally {
        await cdp.detach().catch(() => {});
      }
    },
    close: () => raw.close(),
  };
}

/**
 * Debian's Firefox ESR through WebDriver BiDi: needs playwright-core to tolerate ESR's "unknown
 * command" for emulation.setMediaFeaturesOverride (another change); no CDP, so no freeze, and the
 * worker is killed through its own kill switch.
 */
async function firefoxBrowser(): Promise<SoakBrowser> {
  const browser: Browser = await firefox.launch({
    channel: 'moz-firefox', executablePath: process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr', headless: true,
    // The echo call: Firefox's fake camera and microphone, granted without a prompt.
    firefoxUserPrefs: { 'media.navigator.streams.fake': true, 'media.navigator.permission.disabled': true },
  } as Parameters<typeof firefox.launch>[0]);
  let context: BrowserContext;
  try {
    context = await browser.newContext();
  } catch (error) {
    await browser.close().catch(() => {});
    throw new EngineNotSupported(`firefox: a new context fails (${(error as Error).message.split('\n')[0]}); `
      + 'playwright-core needs the ESR patch (emulation.setMediaFeaturesOverride)');
  }
  return {
    engine: 'firefox',
    cannot: ['freeze'],
    media: true,
    newTab: () => context.newPage(),
    async killSharedWorkers(anyPage) {
      if (!anyPage) return false;
      await killByChannel(anyPage, 'shared');
      return true;
    },
    async setFrozen() {
      throw new Error('no Page Lifecycle freeze in Firefox');
    },
    close: () => browser.close(),
  };
}
