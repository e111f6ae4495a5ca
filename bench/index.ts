// `npm run bench`: janus-keeper next to janus.js (npm janus-gateway), measured in one run against
// one real Janus (Debian's, started by the e2e launcher) and Debian's Chromium, the browser
// scenarios at each one-way link delay of the fault proxy; printed as a markdown table, written to
// bench/results.json and drawn to docs/bench-link.svg. `--quick`: a seconds-long smoke with tiny
// counts at one delay (npm test runs it so the bench cannot rot); its files go to the OS temp
// folder, as do those of an `--only=...` run; `--draw` only redraws the picture from results.json.
// Benchmarks measure; they assert nothing about timings.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startJanus } from '../e2e/fixtures/janus-launcher.js';
import { ENGINES, launchBrowser, serveBenchPages, type Engine } from './browser.js';
import type { BenchContext } from './context.js';
import { bundleSizes } from './scenarios/bundles.js';
import { callSetup } from './scenarios/call-setup.js';
import { browserScale } from './scenarios/browser-scale.js';
import { reloadsInOtherEngines } from './scenarios/reload-engines.js';
import { nodeScale } from './scenarios/node-scale.js';
import { claimVsCreate } from './scenarios/claim.js';
import { demoReload } from './scenarios/demo-reload.js';
import { eventLatency } from './scenarios/events.js';
import { halfOpen } from './scenarios/half-open.js';
import { workerHop } from './scenarios/hop.js';
import { recovery } from './scenarios/recovery.js';
import { reloads } from './scenarios/reload.js';
import { sessionsAndKeepalives } from './scenarios/sessions.js';
import { writeBenchmarksPage } from './docs-page.js';
import { benchPicture } from './picture.js';
import { markdown, type Row } from './table.js';

// A failure ends the run at once too (see the end of this file), with its error and code 1.
process.on('uncaughtException', (error) => {
  console.error(error);
  process.exit(1);
});

const quick = process.argv.includes('--quick');
if (process.argv.includes('--draw')) {
  // Redraws docs/bench-link.svg from bench/results.json, measuring nothing.
  const stored = JSON.parse(readFileSync(fileURLToPath(new URL('./results.json', import.meta.url)), 'utf8')) as { rows: Row[] };
  writeFileSync(fileURLToPath(new URL('../docs/bench-link.svg', import.meta.url)), benchPicture(stored.rows));
  console.log('drawn from bench/results.json to docs/bench-link.svg');
  process.exit(0);
}
const only = process.argv.find((arg) => arg.startsWith('--only='))?.slice('--only='.length).split(',');
// `--engine firefox` (or `--engine=firefox`): the browser rows in another engine; its results go to the OS temp folder.
const engineArg = process.argv.indexOf('--engine');
const engine = (process.argv.find((arg) => arg.startsWith('--engine='))?.slice('--engine='.length)
  ?? (engineArg > 0 ? process.argv[engineArg + 1] : undefined) ?? 'chromium') as Engine;
if (!ENGINES.includes(engine)) throw new Error(`--engine must be one of ${ENGINES.join(', ')} (WebKit: see e2e/webkit/), not ${engine}`);
/** Rows that run in any engine (the others need CDP or Chromium's flags, or measure no browser). */
const ENGINE_NEUTRAL = new Set(['1', '2', '3', '4', '5']);
const partial = Boolean(only) || engine !== 'chromium';
// Row 2 (a lone tab's reload) in Firefox ESR and WebKit too, in the same run: in a full run, or with `--engines`.
const otherEngines = engine === 'chromium' && !quick && ((!only) || process.argv.includes('--engines'));
const started = performance.now();
const log = (message: string) => console.error(`[bench ${((performance.now() - started) / 1000).toFixed(1)} s] ${message}`);
const packageVersion = (name: string) =>
  (JSON.parse(readFileSync(fileURLToPath(new URL(`../node_modules/${name}/package.json`, import.meta.url)), 'utf8')) as { version: string }).version;

// Browser scenarios run at each one-way link delay (the fault proxy's): loopback, a 40 ms round
// trip, a mobile link. The smoke runs one delay, so the delayed path cannot rot either.
const DELAYS = quick ? [20] : [0, 20, 75];
const scenarios: [string, (ctx: BenchContext) => Promise<Row[]>, 'per delay' | 'once'][] = [
  ['1', sessionsAndKeepalives, 'per delay'], ['2', reloads, 'per delay'], ['3', recovery, 'per delay'],
  ['4', halfOpen, 'per delay'], ['5', eventLatency, 'per delay'], ['8', callSetup, 'per delay'],
  ['9', browserScale, 'once'], ['6', claimVsCreate, 'once'], ['7', bundleSizes, 'once'], ['10', nodeScale, 'once'],
  ['11', workerHop, 'once'], ['12', demoReload, 'once'],
];

const janus = await startJanus({ sessionTimeout: 60, reclaimTimeout: 30, logLevel: 2 });
const browser = await launchBrowser(engine);
const site = await serveBenchPages();
const rows: Row[] = [];
let machine: Record<string, string | number>;
try {
  machine = {
    cores: os.cpus().length,
    'load average at start': os.loadavg()[0]!.toFixed(1),
    cpu: os.cpus()[0]?.model.trim() ?? 'unknown',
    node: process.version,
    janus: /\(([^)]+)\)/.exec(spawnSync('janus', ['--version'], { encoding: 'utf8' }).stdout)?.[1] ?? 'unknown',
    engine,
    [engine]: browser.version(),
    'janus-gateway': packageVersion('janus-gateway'),
    'webrtc-adapter': packageVersion('webrtc-adapter'),
    'janus-keeper': (JSON.parse(readFileSync(fileURLToPath(new URL('../package.json', import.meta.url)), 'utf8')) as { version: string }).version,
  };
  for (const [id, run, when] of scenarios) {
    if (only && !only.includes(id)) continue;
    if (engine !== 'chromium' && !ENGINE_NEUTRAL.has(id)) continue;
    for (const delayMs of when === 'per delay' ? DELAYS : [0]) {
      const measured = await run({ janus, browser, site, quick, log, delayMs });
      rows.push(...measured.map((row) => (when === 'per delay' ? { ...row, delayMs } : row)));
    }
  }
  if (otherEngines) rows.push(...await reloadsInOtherEngines({ janus, site, quick, log, delays: DELAYS }));
} finally {
  await browser.close();
  await site.close();
  await janus.stop();
}

const seconds = (performance.now() - started) / 1000;
machine['load average at end'] = os.loadavg()[0]!.toFixed(1);
const header = `janus-keeper vs janus.js${quick ? ' (--quick smoke: tiny counts, not for judging)' : ''}: ` +
  Object.entries(machine).map(([k, v]) => `${k} ${v}`).join(', ') + `; bench took ${seconds.toFixed(0)} s`;
console.log(`${header}\n\n${markdown(rows)}\n`);
console.log('Requests are Janus JSON requests counted at a pass-through proxy that parses the tabs\' WebSocket frames; ' +
  'sessions come from the Janus admin API (list_sessions). Ratio = janus.js ÷ ours (lower is better everywhere, so > 1 means janus-keeper is ahead).');
const out = quick || partial ? join(os.tmpdir(), `janus-keeper-bench-${quick ? 'quick' : 'partial'}-${engine}.json`) : fileURLToPath(new URL('./results.json', import.meta.url));
writeFileSync(out, `${JSON.stringify({ quick, date: new Date().toISOString(), seconds: Math.round(seconds), machine, rows }, null, 2)}\n`);
const picture = quick ? join(os.tmpdir(), 'janus-keeper-bench-quick.svg') : fileURLToPath(new URL('../docs/bench-link.svg', import.meta.url));
// A partial run (--only) keeps the committed picture of the last full one.
if (quick || !partial) writeFileSync(picture, benchPicture(rows));
// A full run rewrites docs/benchmarks.md from the results it just wrote.
if (!quick && !partial) writeBenchmarksPage();
log(`results written to ${quick || partial ? 'the OS temp folder (a smoke, --only or --engine run leaves the committed results alone)' : 'bench/results.json, docs/bench-link.svg and docs/benchmarks.md'}`);
// Every browser, server and child is closed above: end here, not at the event loop's end. After a
// run, Node 20's exit cleanup was seen spinning at full CPU for good (CleanupHandles, with the esbuild
// service children of the bundle rows left as zombies): the results were written, the shell hung.
process.exit(0);
