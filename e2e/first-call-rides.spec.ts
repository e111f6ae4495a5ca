// A reloaded lone tab whose keeper worker starts anew (Firefox always; Chromium without
// `extendedLifetime`) takes its stored handle from the state the keeper sends once its claim is on
// the socket (docs/reconnection.md), so its first message goes right behind the claim: one round
// trip for both. Seen on the wire through the fault proxy (40 ms each way), asserted on the order of
// the frames, never on times.
import { startFaultProxy } from './fixtures/fault-proxy.js';
import { expect, openKeeperPage, test } from './fixtures/test.js';
import { WireLog } from '../test/ws-wire.js';

const ECHO = 'janus.plugin.echotest';

test('a reloaded lone tab\'s first message on its stored handle goes right behind the claim', async ({ page, janus, site }) => {
  const wire = new WireLog();
  const proxy = await startFaultProxy(janus.ports.ws, '127.0.0.1', { tap: wire.tap });
  try {
    const query = { server: proxy.via(janus.wsUrl), extended: 'false', name: `rides-${test.info().workerIndex}-${Date.now()}` };
    await openKeeperPage(page, site, query);
    await page.evaluate(async (plugin) => {
      const keeper = (window as any).keeper;
      await keeper.create();
      await keeper.attach(plugin);
    }, ECHO);
    proxy.setLatency(40);
    const from = wire.frames.length;
    await openKeeperPage(page, site, query); // the lone tab loads again: a new worker claims the stored session
    const answer = await page.evaluate(async (plugin) => {
      const keeper = (window as any).keeper;
      const created = keeper.create();
      const mine = () => keeper.currentState.handles.find((h: { plugin: string }) => h.plugin === plugin);
      const stored = mine() ?? await new Promise((resolve, reject) => {
        const off = keeper.on('state', () => { if (mine()) { off(); resolve(mine()); } });
        created.then(async () => { off(); await keeper.state(); resolve(mine()); }, (error: unknown) => { off(); reject(error); });
      });
      if (!stored) return 'no stored handle after the reload';
      const { data } = await keeper.message((stored as { handleId: number }).handleId, { audio: true });
      const { reclaimed } = await created;
      return `${data.result}, reclaimed ${reclaimed}`;
    }, ECHO);
    expect(answer).toBe('ok, reclaimed true');
    const link = wire.claimLink(from);
    expect(link, 'a claim on the wire').toBeDefined();
    const said = `the message left before Janus answered the claim: ${link!.order.join(', ')}`;
    expect(link!.firstSent('message'), said).toBeGreaterThan(-1);
    expect(link!.firstSent('message'), said).toBeLessThan(link!.claimAnswer);
  } finally {
    proxy.setLatency(0);
    await proxy.close();
  }
});
