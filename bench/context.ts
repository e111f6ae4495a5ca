import type { Browser } from '@playwright/test';
import type { StaticServer } from '../e2e/fixtures/static-server.js';
import type { RunningJanus } from '../e2e/fixtures/janus-launcher.js';

/** What every scenario gets: one Janus, one Chromium, the bench pages; `quick` for the smoke run. */
export interface BenchContext {
  janus: RunningJanus;
  browser: Browser;
  site: StaticServer;
  quick: boolean;
  log(message: string): void;
}
