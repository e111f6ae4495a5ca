// The soak's tabs: open, reload, close, freeze, and read what each reports (window.soak).
import type { Page } from '@playwright/test';
import type { SoakBrowser } from './browser.js';
import type { Timeline } from './timeline.js';

export interface TabReport {
  state: string;
  cause?: string;
  sessionId?: number;
  mode?: string;
  version?: string;
  handleId?: number;
  /** Handles the keeper says this tab owns; null when `state()` did not answer. */
  handles: number[] | null;
  echo: { ok: number; fail: number; lastOkAt: number; lastError: string; failingSince?: number };
  /** This page load: a reload is another one. */
  load?: string;
  /** Attaches of this page load with an unknown outcome (their handles may be on Janus, known to no one). */
  unknownAttaches?: number;
  /** The echo call (the `?call=1` tab), once up: its handle and inbound RTP bytes so far. */
  call?: { handleId: number; bytes?: number };
  log: { at: number; text: string }[];
  errors: { where: string; text: string }[];
  now: number;
}

export class Tab {
  frozen = false;
  /** Set while a navigation (open, reload) runs: nothing to read meanwhile. */
  navigating = false;
  closed = false;
  last: TabReport | undefined;
  constructor(readonly label: string, readonly page: Page, readonly leader: boolean) {}

  /** What the tab reports now; undefined when it cannot answer (frozen, navigating, too slow). */
  async read(timeoutMs: number): Promise<TabReport | undefined> {
    if (this.frozen || this.navigating || this.closed) return undefined;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), timeoutMs);
    });
    try {
      const report = await Promise.race([
        this.page.evaluate(() => (window as any).soak?.snapshot() as Promise<TabReport> | undefined).catch(() => undefined),
        late,
      ]);
      if (report) this.last = report;
      return report;
    } finally {
      clearTimeout(timer);
    }
  }
}

export class TabSet {
  readonly tabs: Tab[] = [];
  #count = 0;

  constructor(private readonly browser: SoakBrowser, private readonly pageUrl: (leader: boolean, call: boolean) => string,
    private readonly timeline: Timeline) {}

  get open(): Tab[] {
    return this.tabs.filter((tab) => !tab.closed);
  }

  /** Open tabs that can take a navigation or an evaluate now. */
  get awake(): Tab[] {
    return this.open.filter((tab) => !tab.frozen && !tab.navigating);
  }

  pick(from: Tab[], draw: number): Tab | undefined {
    return from.length === 0 ? undefined : from[Math.min(from.length - 1, Math.floor(draw * from.length))];
  }

  /** `call`: this tab keeps an echo call up (the runner opens one such tab first, where there is WebRTC). */
  async openTab(leader: boolean, call = false): Promise<Tab> {
    const label = `T${++this.#count}${leader ? '(leader)' : ''}${call ? '(call)' : ''}`;
    const tab = new Tab(label, await this.browser.newTab(), leader);
    this.tabs.push(tab);
    this.timeline.add(`${label} opens`);
    await this.#navigate(tab, () => tab.page.goto(this.pageUrl(leader, call)));
    return tab;
  }

  async reload(tab: Tab): Promise<void> {
    this.timeline.add(`${tab.label} reloads`);
    await this.#navigate(tab, () => tab.page.reload());
  }

  async close(tab: Tab): Promise<void> {
    this.timeline.add(`${tab.label} closes`);
    tab.closed = true;
    await tab.page.close().catch(() => {});
  }

  async setFrozen(tab: Tab, frozen: boolean): Promise<void> {
    this.timeline.add(`${tab.label} ${frozen ? 'frozen' : 'resumed'}`);
    if (frozen) tab.frozen = true;
    try {
      await this.browser.setFrozen(tab.page, frozen);
    } finally {
      if (!frozen) tab.frozen = false;
    }
  }

  async closeAll(): Promise<void> {
    for (const tab of this.open) await this.close(tab);
  }

  async #navigate(tab: Tab, go: () => Promise<unknown>): Promise<void> {
    tab.navigating = true;
    try {
      await go();
      await tab.page.waitForFunction(() => (window as any).soak !== undefined, undefined, { timeout: 15_000 });
    } catch (error) {
      this.timeline.add(`${tab.label}: navigation failed: ${(error as Error).message.split('\n')[0]}`);
    } finally {
      tab.navigating = false;
    }
  }
}
