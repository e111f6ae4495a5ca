// The benchmarks page's section on a lone tab's reload in every engine, from row 2 of one run:
// Chromium with the keeper's worker kept (extendedLifetime) and without, Firefox ESR and WebKit
// (their rows name the engine). Where the worker dies with its page, the new worker's start is split out.
import { fmt, type Row } from './table.js';

const DELAYS = [0, 20, 75];
const ENGINES = [
  { label: 'Chromium, worker kept', prefix: '', keeper: 'reload -> handle usable again', start: undefined },
  { label: 'Chromium, worker not kept', prefix: '', keeper: 'the keeper worker not kept', start: 'worker not kept' },
  { label: 'Firefox ESR', prefix: 'Firefox ESR: ', keeper: 'reload -> handle usable again', start: 'lone tab' },
  { label: 'WebKit', prefix: 'WebKit: ', keeper: 'reload -> handle usable again', start: 'lone tab' },
] as const;

export function reloadAcrossEngines(rows: Row[]): string {
  const find = (delayMs: number, metric: string) => rows.find((row) => row.scenario === '2' && row.delayMs === delayMs && row.metric.startsWith(metric));
  const ms = (value: number | null | undefined) => (value === null || value === undefined ? 'n/a' : fmt(value, 'ms'));
  const lines = [
    '| engine | link, one way | keeper page | first call rides the claim | janus.js + the keeper\'s script tag | janus.js | floor | janus.js ÷ keeper page | a new worker: created -> first hello | with prestart |',
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  let found = false;
  for (const engine of ENGINES) {
    for (const delayMs of DELAYS) {
      const keeper = find(delayMs, `${engine.prefix}${engine.keeper}`);
      if (!keeper) continue;
      found = true;
      const adapter = engine.start === 'worker not kept' ? undefined : find(delayMs, `${engine.prefix}janus.js with the keeper`);
      const start = engine.start && find(delayMs, `${engine.prefix}a new keeper worker's start on a reload, ${engine.start}`);
      const prestart = engine.start && find(delayMs, `${engine.prefix}the worker started by the keeper-prestart script`);
      const rides = engine.start && find(delayMs, `${engine.prefix}the first call rides the claim`);
      const ratio = keeper.ours && keeper.janusjs !== null ? `${(keeper.janusjs / keeper.ours).toFixed(2)}×` : 'n/a';
      lines.push(`| ${engine.label} | ${delayMs === 0 ? 'loopback' : `${delayMs} ms`} | ${ms(keeper.ours)} | ${ms(rides ? rides.ours : undefined)} | ${
        ms(adapter?.ours)} | ${ms(keeper.janusjs)} | ${
        ms(keeper.floor)} | ${ratio} | ${ms(start ? start.ours : undefined)} | ${ms(prestart ? prestart.ours : undefined)} |`);
    }
  }
  if (!found) return '';
  return `### A lone tab's reload in every engine

Row 2 (reload -> the handle answers again, medians) in each engine of the same run. Where the
keeper's worker dies with its page (Firefox, WebKit, Chromium without \`extendedLifetime\`) each
reload starts a new worker, which claims the stored session: its start (created -> its script run
-> the page's hello taken) is split out. "With prestart" starts that worker from the page's head with a small async script
(\`src/client/prestart-script.ts\`), before the page's bundle loads (\`bench/pages/keeper.html?prestart=1\`); not
offered to apps, as it saved nothing measurable here (the janus.js script tag starts its worker the
same way, as it loads). "First call rides the claim"
is the page that takes its stored handle from the state the keeper sends once its claim is on the
socket and makes its first call at once (\`?early=1\`; docs/reconnection.md): the claim and that call
in one round trip. WebKit is Debian's WebKitGTK
MiniBrowser over WebDriver; it has no WebRTC, so janus.js's page runs there with a stand-in
\`RTCPeerConnection\` (the row sends EchoTest messages only).

${lines.join('\n')}`;
}
