// A janus.js app with the keeper's script tag, reloaded as a lone tab where the keeper's worker
// dies with it (Firefox): the adapter answers janus.js's `create` once the new keeper's claim of the
// stored session is on the socket, so janus.js's `attach` goes right behind the claim (one round
// trip for both, not two). Seen on the wire through the fault proxy (40 ms each way), asserted on
// the order of the frames, never on times.
import { serveStatic, type StaticServer } from './fixtures/static-server.js';
import { startFaultProxy } from './fixtures/fault-proxy.js';
import { expect, test } from './fixtures/test.js';
import { WireLog } from '../test/ws-wire.js';

let app: StaticServer;
test.beforeAll(async () => {
  app = await serveStatic({ '/dist/': 'dist', '/e2e/pages/': 'e2e/pages',
    '/vendor/janus-gateway/': 'node_modules/janus-gateway/npm/src', '/vendor/webrtc-adapter/': 'node_modules/webrtc-adapter/out' });
});
test.afterAll(async () => app.close());

test('a reloaded janus.js tab\'s attach goes right behind the keeper\'s claim, on the same session', async ({ page, janus, browserName }) => {
  test.skip(browserName !== 'firefox', 'Chromium keeps the keeper worker across the reload (extendedLifetime): nothing is claimed');
  const wire = new WireLog();
  const proxy = await startFaultProxy(janus.ports.ws, '127.0.0.1', { tap: wire.tap });
  try {
    const url = `${app.url}/e2e/pages/janusjs-tab.html?server=${encodeURIComponent(proxy.via(janus.wsUrl))}`;
    await page.goto(url);
    const before = await page.evaluate(() => (window as unknown as { echo: Promise<string> }).echo);
    expect(before).toMatch(/^ok, session \d+$/);
    proxy.setLatency(40);
    const from = wire.frames.length;
    await page.goto(url); // the lone tab loads again: a new keeper worker claims the stored session
    const after = await page.evaluate(() => (window as unknown as { echo: Promise<string> }).echo);
    expect(after, 'the same session, its EchoTest answering').toBe(before);
    const link = wire.claimLink(from);
    expect(link, 'a claim on the wire').toBeDefined();
    const said = `the attach left before Janus answered the claim: ${link!.order.join(', ')}`;
    expect(link!.firstSent('attach'), said).toBeGreaterThan(-1);
    expect(link!.firstSent('attach'), said).toBeLessThan(link!.claimAnswer);
  } finally {
    proxy.setLatency(0);
    await proxy.close();
  }
});
