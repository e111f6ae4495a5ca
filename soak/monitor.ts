// Reads Janus (admin API) and every open tab about once a second, all the run long, and checks the
// invariants that must hold at every instant: one session in use, no silently deaf tab, no uncaught
// error. Violations print at once with the seed, the step and the timeline that led to them.
import type { RunningJanus } from '../e2e/fixtures/janus-launcher.js';
import { deafTabs, sessionsInUse, uncaughtErrors, type Bounds, type JanusView, type TabView } from './invariants.js';
import type { TabSet } from './tabs.js';
import type { Timeline } from './timeline.js';

export interface Observation {
  at: number;
  /** undefined while Janus does not answer (a restart). */
  janus: JanusView | undefined;
  tabs: TabView[];
  /** Open tabs that could not be read (frozen ones are not expected to answer). */
  unreadable: string[];
  frozen: string[];
}

export interface Violation {
  invariant: string;
  step: number;
  detail: string;
}

const POLL_MS = 1_000;
const READ_TIMEOUT_MS = 4_000;
/** Long numbers in texts from the pages may be ids (credentials): never printed. */
const mask = (text: string) => text.replace(/\b\d{7,}\b/g, '<id>');

export class Monitor {
  checks = 0;
  readonly violations: Violation[] = [];
  latest: Observation | undefined;
  #reported = new Set<string>();
  /** Per page load: its attaches with an unknown outcome. */
  readonly #unknownAttaches = new Map<string, number>();
  #twoSessions = 0;
  #running = false;
  #loop: Promise<void> | undefined;
  #waiters: Array<(observation: Observation) => void> = [];

  constructor(private readonly janus: RunningJanus, private readonly tabs: TabSet, private readonly timeline: Timeline,
    private readonly bounds: Bounds, private readonly seed: number) {}

  start(): void {
    this.#running = true;
    this.#loop = (async () => {
      while (this.#running) {
        const started = Date.now();
        const observation = await this.#observe();
        this.latest = observation;
        for (const waiter of this.#waiters.splice(0)) waiter(observation);
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, POLL_MS - (Date.now() - started))));
      }
    })();
  }

  async stop(): Promise<void> {
    this.#running = false;
    await this.#loop;
  }

  /** The next observation (after its continuous checks ran). */
  next(): Promise<Observation> {
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /**
   * Records a violation once per invariant and key (a condition that lasts is one violation; by
   * default the key is the step), and prints it with its timeline.
   */
  violate(invariant: string, detail: string, key = `step ${this.timeline.step}`): void {
    const id = `${invariant}|${key}`;
    if (this.#reported.has(id)) return;
    this.#reported.add(id);
    this.violations.push({ invariant, step: this.timeline.step, detail });
    this.timeline.add(`VIOLATION ${invariant}: ${detail}`);
    console.log(`\nVIOLATION [${invariant}] seed=${this.seed} step=${this.timeline.step} at ${this.timeline.time()}: ${detail}\n`
      + `timeline (last 40):\n${this.timeline.recent(40).join('\n')}\n`);
  }

  /** Handles that may be on Janus with an id no one got: one per attach with an unknown outcome, all run long. */
  get unknownAttaches(): number {
    let total = 0;
    for (const count of this.#unknownAttaches.values()) total += count;
    return total;
  }

  async readJanus(): Promise<JanusView | undefined> {
    try {
      const view: JanusView = new Map();
      for (const id of await this.janus.listSessions()) view.set(id, await this.janus.listHandles(id).catch(() => []));
      return view;
    } catch {
      return undefined;
    }
  }

  async #observe(): Promise<Observation> {
    const open = this.tabs.open;
    const [janus, reports] = await Promise.all([this.readJanus(), Promise.all(open.map((tab) => tab.read(READ_TIMEOUT_MS)))]);
    const tabs: TabView[] = [];
    const unreadable: string[] = [];
    const frozen: string[] = [];
    open.forEach((tab, index) => {
      const report = reports[index];
      if (report) {
        tabs.push({ label: tab.label, report });
        if (report.load && report.unknownAttaches) this.#unknownAttaches.set(report.load, report.unknownAttaches);
        for (const entry of report.log) this.timeline.add(`${tab.label}: ${mask(entry.text)}`, entry.at);
      } else if (tab.frozen) frozen.push(tab.label);
      else if (!tab.closed) unreadable.push(tab.label);
    });
    const observation: Observation = { at: Date.now(), janus, tabs, unreadable, frozen };
    this.#checkNow(observation);
    return observation;
  }

  #checkNow({ janus, tabs }: Observation): void {
    const alias = (id?: number) => this.timeline.alias(id);
    if (janus) {
      this.checks++;
      const inUse = sessionsInUse(janus);
      // Two reads in a row: a session between two admin calls is not a second one in use.
      this.#twoSessions = inUse.length > 1 ? this.#twoSessions + 1 : 0;
      if (this.#twoSessions >= 2) {
        this.violate('one-session', `${inUse.length} Janus sessions hold handles: ${inUse.map((id) => `${alias(id)} (${janus.get(id)!.length} handles)`).join(', ')}; `
          + `tabs on ${tabs.map(({ label, report }) => `${label}=${alias(report.sessionId)}`).join(' ')}`, inUse.map(alias).join(','));
      }
    }
    this.checks++;
    for (const { label, report } of deafTabs(tabs, this.bounds)) {
      this.violate('not-deaf', `${label} is ready on ${alias(report.sessionId)} but its calls have failed for `
        + `${((report.now - report.echo.failingSince!) / 1000).toFixed(1)}s with no event telling why (last error: ${mask(report.echo.lastError)})`,
      `${label} ${report.echo.failingSince}`);
    }
    this.checks++;
    for (const error of uncaughtErrors(tabs)) this.violate('no-uncaught-error', mask(error), `${this.timeline.step} ${error}`);
  }
}
