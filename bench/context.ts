import type { Browser } from '@playwright/test';
import type { StaticServer } from '../e2e/fixtures/static-server.js';
import type { RunningJanus } from '../e2e/fixtures/janus-launcher.js';

/** What every scenario gets: one Janus, one Chromium, the bench pages, the link delay; `quick` for the smoke run. */
export interface BenchContext {
  janus: RunningJanus;
  browser: Browser;
  site: StaticServer;
  quick: boolean;
  /** One-way delay of the link between the clients and Janus (the fault proxy), ms; 0 = loopback. */
  delayMs: number;
  log(message: string): void;
}
