// Row 2 (a lone tab's reload) in the engines other than the run's Chromium, at each delay, in the
// same run: Firefox ESR through Playwright, WebKit over WebDriver (it needs a display: `npm run
// bench` runs under xvfb-run). Their rows carry `engine`, and their metric names it.
import type { RunningJanus } from '../../e2e/fixtures/janus-launcher.js';
import type { StaticServer } from '../../e2e/fixtures/static-server.js';
import { launchBrowser } from '../browser.js';
import type { Row } from '../table.js';
import { reloads } from './reload.js';
import { webkitReloads } from './reload-webkit.js';

export const ENGINE_NAMES = { firefox: 'Firefox ESR', webkit: 'WebKit' } as const;

interface Options {
  janus: RunningJanus;
  site: StaticServer;
  quick: boolean;
  log(message: string): void;
  delays: number[];
}

export async function reloadsInOtherEngines(options: Options): Promise<Row[]> {
  const rows: Row[] = [];
  const tag = (engine: keyof typeof ENGINE_NAMES, delayMs: number) => (row: Row): Row =>
    ({ ...row, delayMs, engine, metric: `${ENGINE_NAMES[engine]}: ${row.metric}` });
  const firefox = await launchBrowser('firefox');
  try {
    for (const delayMs of options.delays) rows.push(...(await reloads({ ...options, browser: firefox, delayMs })).map(tag('firefox', delayMs)));
  } finally {
    await firefox.close();
  }
  if (!process.env['DISPLAY']) {
    options.log('WebKit reload rows skipped: no display (run the bench under xvfb-run, as `npm run bench` does)');
    return rows;
  }
  for (const delayMs of options.delays) rows.push(...(await webkitReloads({ ...options, delayMs })).map(tag('webkit', delayMs)));
  options.log('reload in Firefox ESR and WebKit done');
  return rows;
}
