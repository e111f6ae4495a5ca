// A janus.js app with the keeper's script tag, reloaded as a lone tab. Where the keeper's worker
// dies with it (Firefox), the adapter answers janus.js's `create` once the new keeper's claim of the
// stored session is on the socket, so janus.js's `attach` goes right behind the claim (one round
// trip for both, not two). Where the worker is kept (Chromium), the page that goes does not say
// goodbye: the keeper keeps the session and its link for the next page, nothing is claimed, and
// the old page's handle is detached. Seen on the wire through the fault proxy (40 ms each way),
// asserted on the order of the frames, never on times. And the script tag starts the keeper worker
// as it loads, before the app's first `new Janus` joins it.
import type { Page } from '@playwright/test';
import type { RunningJanus } from './fixtures/janus-launcher.js';
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

/** The janus.js tab loaded, then reloaded with `oneWayMs` on its link: its echoes, and the wire from the reload on. */
async function reloadJanusjsTab(page: Page, janus: RunningJanus, oneWayMs: number) {
  const wire = new WireLog();
  const proxy = await startFaultProxy(janus.ports.ws, '127.0.0.1', { tap: wire.tap });
  const echo = () => page.evaluate(() => (window as unknown as { echo: Promise<string> }).echo);
  try {
    const url = `${app.url}/e2e/pages/janusjs-tab.html?server=${encodeURIComponent(proxy.via(janus.wsUrl))}`;
    await page.goto(url);
    const before = await echo();
    expect(before).toMatch(/^ok, session \d+$/);
    proxy.setLatency(oneWayMs);
    const from = wire.frames.length;
    await page.goto(url); // the lone tab loads again
    const after = await echo();
    expect(after, 'the same session, its EchoTest answering').toBe(before);
    return { sessionId: Number(before.split(' ').pop()), wire, from };
  } finally {
    proxy.setLatency(0);
    await proxy.close();
  }
}

test('a reloaded janus.js tab\'s attach goes right behind the keeper\'s claim, on the same session', async ({ page, janus, browserName }) => {
  test.skip(browserName !== 'firefox', 'Chromium keeps the keeper worker across the reload (extendedLifetime): nothing is claimed');
  const { wire, from } = await reloadJanusjsTab(page, janus, 40); // a new keeper worker claims the stored session
  const link = wire.claimLink(from);
  expect(link, 'a claim on the wire').toBeDefined();
  const said = `the attach left before Janus answered the claim: ${link!.order.join(', ')}`;
  expect(link!.firstSent('attach'), said).toBeGreaterThan(-1);
  expect(link!.firstSent('attach'), said).toBeLessThan(link!.claimAnswer);
});

test('a reloaded janus.js tab whose keeper worker is kept finds the session ready: no claim, its old handle detached', async ({ page, janus, browserName }) => {
  test.skip(browserName !== 'chromium', 'only Chromium keeps the keeper worker across a reload (extendedLifetime)');
  const { sessionId, wire, from } = await reloadJanusjsTab(page, janus, 40);
  const sent = wire.frames.slice(from).filter((frame) => frame.direction === 'up' && frame.janus !== 'keepalive')
    .map((frame) => frame.janus);
  expect(sent, 'the kept link carries on: no claim, the old handle detached, a new one attached').toEqual(['detach', 'attach', 'message']);
  expect(await janus.listHandles(sessionId)).toHaveLength(1);
});

test('the janus.js script tag starts the keeper worker before the app\'s new Janus, which joins it', async ({ page, janus }) => {
  await page.goto(`${app.url}/e2e/pages/janusjs-prestart.html?server=${encodeURIComponent(janus.wsUrl)}`);
  await page.waitForFunction(() => (window as unknown as { started?: unknown }).started !== undefined);
  const started = await page.evaluate(() => (window as unknown as { started: { before: string[]; after: string[]; echo: string } }).started);
  expect(started.echo).toBe('ok');
  expect(started.before, 'the keeper worker, running before new Janus').toEqual(['janus-keeper:shared-worker:janus-keeper/v3/extended']);
  expect(started.after, 'new Janus joined it: no second keeper worker').toEqual(started.before);
});
