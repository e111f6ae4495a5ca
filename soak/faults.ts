// Carries out the schedule's faults on the real parts: the fault proxy (network), Janus (restart),
// the browser (worker kill, freeze), the tabs, the site (upgrade). Each resolves once its fault ended.
import type { FaultProxy } from '../e2e/fixtures/fault-proxy.js';
import type { RunningJanus } from '../e2e/fixtures/janus-launcher.js';
import { killByChannel, type SoakBrowser } from './browser.js';
import type { Fault } from './schedule.js';
import type { SoakSite } from './site.js';
import type { TabSet } from './tabs.js';
import type { Timeline } from './timeline.js';

export interface Harness {
  janus: RunningJanus;
  proxy: FaultProxy;
  tabs: TabSet;
  browser: SoakBrowser;
  site: SoakSite;
  timeline: Timeline;
  /** Opens stop at this many tabs, closes at this few. */
  maxTabs: number;
  minTabs: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class Faults {
  /** Faults carried out, by kind (with its variant). */
  readonly done = new Map<string, number>();
  /** Faults that could not apply when they fired (no such target), by kind and reason. */
  readonly skipped = new Map<string, number>();
  #blackholes = 0;
  #refusals = 0;

  constructor(private readonly harness: Harness) {}

  get total(): number {
    return [...this.done.values()].reduce((sum, count) => sum + count, 0);
  }

  async apply(fault: Fault): Promise<void> {
    const { tabs, timeline } = this.harness;
    const name = `${fault.kind}${fault.variant ? `(${fault.variant})` : ''}`;
    const skip = (why: string) => {
      timeline.add(`${name} skipped: ${why}`);
      this.skipped.set(`${fault.kind}: ${why}`, (this.skipped.get(`${fault.kind}: ${why}`) ?? 0) + 1);
    };
    const count = (as = name) => this.done.set(as, (this.done.get(as) ?? 0) + 1);
    const seconds = `${(fault.durationMs / 1000).toFixed(1)}s`;
    switch (fault.kind) {
      case 'reset':
        count();
        timeline.add('network: every connection reset');
        this.harness.proxy.reset();
        return;
      case 'refuse':
      case 'blackhole':
        count();
        timeline.add(fault.kind === 'refuse' ? `network: reset, new connections refused for ${seconds}` : `network: half-open (blackhole) for ${seconds}`);
        await this.#networkDown(fault.kind, fault.durationMs);
        timeline.add(`network: ${fault.kind} over`);
        return;
      case 'janus-restart':
        count();
        timeline.add(`Janus restarts (${fault.variant}): every session gone`);
        await this.harness.janus.restart(fault.variant as 'SIGTERM' | 'SIGKILL');
        timeline.add('Janus is back');
        return;
      case 'worker-kill': {
        const leader = tabs.pick(tabs.awake.filter((tab) => tab.leader), fault.pick);
        if (fault.variant === 'leader' && leader) {
          count();
          timeline.add(`the keeper Worker of ${leader.label} killed`);
          await killByChannel(leader.page, 'dedicated').catch(() => {});
          return;
        }
        const killed = await this.harness.browser.killSharedWorkers(tabs.awake[0]?.page);
        if (!killed) return skip('no SharedWorker');
        count('worker-kill(shared)');
        timeline.add('the keeper SharedWorker killed');
        return;
      }
      case 'tab-reload':
      case 'upgrade': {
        const tab = tabs.pick(tabs.awake, fault.pick);
        if (!tab) return skip('no tab awake');
        if (fault.kind === 'upgrade') {
          if (!this.harness.site.upgrade()) return skip('no newer build left');
          timeline.add(`version ${this.harness.site.deployed} deployed`);
        }
        count();
        await tabs.reload(tab);
        return;
      }
      case 'tab-close': {
        if (tabs.open.length <= this.harness.minTabs) return skip('tabs at the minimum');
        count();
        await tabs.close(tabs.pick(tabs.open, fault.pick)!);
        return;
      }
      case 'tab-open':
      case 'leader-tab':
        if (tabs.open.length >= this.harness.maxTabs) return skip('tabs at the maximum');
        count();
        await tabs.openTab(fault.kind === 'leader-tab');
        return;
      case 'freeze': {
        const tab = tabs.pick(tabs.awake, fault.pick);
        if (!tab) return skip('no tab awake');
        count();
        await tabs.setFrozen(tab, true);
        await sleep(fault.durationMs);
        if (!tab.closed) await tabs.setFrozen(tab, false).catch((error) => timeline.add(`${tab.label}: resume failed: ${(error as Error).message}`));
        return;
      }
      case 'offline': {
        count();
        timeline.add(`offline event in every awake tab for ${seconds}`);
        await this.#dispatch('offline');
        await sleep(fault.durationMs);
        timeline.add('online event in every awake tab');
        await this.#dispatch('online');
        return;
      }
    }
  }

  /** Overlapping network faults: a blackhole wins over a refusal while both last. */
  async #networkDown(kind: 'refuse' | 'blackhole', ms: number): Promise<void> {
    const change = (by: number) => {
      if (kind === 'blackhole') this.#blackholes += by;
      else this.#refusals += by;
      this.#network();
    };
    change(1);
    if (kind === 'refuse') this.harness.proxy.reset();
    await sleep(ms);
    change(-1);
  }

  #network(): void {
    this.harness.proxy.setMode(this.#blackholes > 0 ? 'blackhole' : this.#refusals > 0 ? 'refuse' : 'pass');
  }

  async #dispatch(type: 'offline' | 'online'): Promise<void> {
    // Playwright's setOffline would also fail the pages' own reloads and never reaches the
    // SharedWorker: the event itself is what the keeper's pages listen to.
    await Promise.all(this.harness.tabs.awake.map((tab) => tab.page.evaluate((name) => window.dispatchEvent(new Event(name)), type).catch(() => {})));
  }
}
