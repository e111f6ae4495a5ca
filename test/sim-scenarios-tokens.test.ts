// Named interleavings of expiring tokens in the simulation (Janus model with signed tokens, the
// keeper's provider the app's backend, answering on the simulated clock): the races the seeded runs
// found, each kept as a scenario that fails without its fix.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deliverFrame, deliverWhere, explain, wire } from './sim/script.js';
import { advance, finish, flush, linkOf, noViolations, ready, untilConnect, watchUnhandled, worldWith } from './sim/scenario-kit.js';
import { TOKEN } from './sim/world.js';

watchUnhandled();

for (const transport of ['ws', 'http'] as const) {
  describe(`tokens in the simulation over ${transport}`, () => {
    const signed = { tokenLifeMs: 30_000, transport } as const;

    it('destroy() while a create waits for its token: no create goes out after it', async () => {
      const world = worldWith(signed);
      world.provider.delayMs = 2_000;
      const creating = world.create('tab-1');
      await flush(world);
      assert.equal(world.provider.calls, 1, 'the provider was asked');
      await finish(world, world.destroy('tab-1'));
      const destroyedAt = world.clock.now();
      await advance(world, 5_000);
      await creating.catch(() => {});
      assert.deepEqual(wire(world, 'sent', 'create', destroyedAt), [], explain(world));
      assert.equal(world.model.sessions.size, 0);
      assert.equal(world.keeper.state, 'idle');
      noViolations(world);
    });

    // (Over HTTP a request is its own link: the drop of the session's link is the WebSocket's case.)
    const overWs = transport === 'ws' ? it : it.skip;
    overWs('destroy() while a claim\'s 403 waits for a fresh token: the claim does not go again', async () => {
      const world = worldWith({ ...signed, autoRecreate: false });
      const sessionId = await ready(world);
      world.drop(linkOf(world, sessionId));
      world.revokeTokens();
      world.provider.delayMs = 2_000;
      // The claim goes out with the revoked token, gets its 403, and asks the provider.
      for (let i = 0; i < 40 && world.provider.calls < 2; i++) {
        world.tick();
        await flush(world);
      }
      assert.equal(world.provider.calls, 2, explain(world));
      const claims = wire(world, 'sent', 'claim').length;
      const creates = wire(world, 'sent', 'create').length;
      await finish(world, world.destroy('tab-1'));
      await advance(world, 5_000);
      assert.equal(wire(world, 'sent', 'claim').length, claims, explain(world));
      assert.equal(wire(world, 'sent', 'create').length, creates);
      noViolations(world);
    });

    it('every token revoked while ready: the next keepalive\'s 403 brings a fresh token, the same session', async () => {
      const world = worldWith(signed);
      const sessionId = await ready(world);
      const calls = world.provider.calls;
      world.revokeTokens();
      await advance(world, world.options.keepAliveMs + 1_000);
      assert.equal(world.keeper.state, 'ready');
      assert.equal(world.keeper.snapshot().sessionId, sessionId);
      assert.equal(world.provider.calls, calls + 1, 'one fresh token');
      assert.equal(world.keeper.snapshot().stats.tokensRefused, 1);
      noViolations(world);
    });

    it('a provider that hangs: the create fails within its deadline (TokenProviderError), and the next ask waits for the backoff', async () => {
      const world = worldWith(signed);
      world.provider.delayMs = 60_000;
      const error = await finish(world, world.create('tab-1').then(() => undefined, (failure: unknown) => failure), 30_000);
      // (The world's calls report errors as values; the keeper's own state names the class.)
      assert.match(world.keeper.snapshot().cause ?? String(error), /TokenProviderError/);
      assert.equal(world.provider.calls, 1);
      await finish(world, world.create('tab-1').then(() => undefined, () => undefined), 30_000);
      assert.ok(world.provider.calls <= 2, `provider calls: ${world.provider.calls}`);
      assert.equal(world.model.sessions.size, 0);
      noViolations(world);
    });
  });
}

describe('a static token in the simulation', () => {
  it('setToken racing a claim: the claim\'s 403 for the old token is followed by the claim with the new one, one session', async () => {
    const world = worldWith({ token: TOKEN, standalone: true });
    const sessionId = await ready(world);
    world.drop(linkOf(world, sessionId));
    world.model.token = 'another-token'; // the token in use is revoked
    // The claim goes out with the old token and reaches Janus...
    await untilConnect(world);
    await deliverWhere(world, (delivery) => delivery.kind === 'connect' && delivery.direction === 'up');
    await deliverWhere(world, (delivery) => delivery.kind === 'connect' && delivery.direction === 'down');
    assert.equal(wire(world, 'sent', 'claim').length, 1, explain(world));
    await deliverFrame(world, 'up', 'claim');
    // ...and the app hands the keeper the good one before the 403 comes back.
    world.setToken();
    await advance(world, 5_000);
    assert.equal(world.keeper.state, 'ready', explain(world));
    assert.equal(world.keeper.snapshot().sessionId, sessionId);
    assert.equal(world.model.sessions.size, 1);
    noViolations(world);
  });
});
