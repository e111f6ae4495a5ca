// Tests that can fail: counts on the simulation's clock instead of sleeps past a
// guessed expiry. Each of these failed with its deliberate bug put back.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { knownFailing } from './sim/known-failing.js';
import { advance, finish, flush, linkOf, noViolations, ready, watchUnhandled, worldWith } from './sim/scenario-kit.js';
import { explain, wire } from './sim/script.js';

describe('simulation: tests that can fail', () => {
  watchUnhandled();

  const keepalives = 'keepalives restart after a claim: one per keepAliveMs, counted at Janus';
  it(keepalives, knownFailing(keepalives), async () => {
    const world = worldWith({ standalone: true, keepAliveMs: 5_000 });
    const sessionId = await ready(world);
    world.drop(linkOf(world, sessionId));
    await flush(world);
    const { nextRetryAt } = world.keeper.snapshot();
    assert.ok(nextRetryAt !== undefined, explain(world));
    await advance(world, nextRetryAt - world.clock.now());
    assert.equal(world.keeper.state, 'ready', explain(world));
    const claimedAt = world.clock.now();
    await advance(world, 10 * 5_000 + 2_500);
    assert.equal(wire(world, 'arrived', 'keepalive', claimedAt).length, 10, 'ten keepalives in ten periods after the claim');
    noViolations(world);
  });

  const refused = 'a claim refused after a drop (458) gives session-lost at the 458, long before the window passes';
  it(refused, knownFailing(refused), async () => {
    const world = worldWith({ standalone: true, reclaimTimeoutS: 20 });
    await ready(world);
    const lostAt: number[] = [];
    world.keeper.on('session-lost', (event) => {
      if (event.code === 458) lostAt.push(world.clock.now());
    });
    const droppedAt = world.clock.now();
    world.restartJanus();
    await advance(world, 25_000);
    const answers = wire(world, 'received', 'error', droppedAt).filter((event) => event.code === 458);
    assert.ok(answers.length >= 1, explain(world));
    assert.deepEqual(lostAt, [answers[0]!.at], 'session-lost comes with the first 458');
    assert.ok(lostAt[0]! < droppedAt + 20_000);
    noViolations(world);
  });

  const limit = 'the attempt limit is reached: exactly maxAttemptsPerMinute connects in a minute of refusals';
  it(limit, knownFailing(limit), async () => {
    const world = worldWith({ standalone: true, maxAttemptsPerMinute: 5, sessionTimeoutS: 600, reclaimTimeoutS: 300, keepAliveMs: 10_000 });
    const sessionId = await ready(world);
    world.net.connectFaults.push(...Array<'refuse'>(100).fill('refuse'));
    world.drop(linkOf(world, sessionId));
    await advance(world, 200_000);
    const attempts = world.net.sockets.slice(1).map((socket) => socket.openedAt);
    assert.ok(attempts.length > 5, explain(world));
    for (let i = 0; i + 5 < attempts.length; i++) {
      assert.ok(attempts[i + 5]! - attempts[i]! >= 60_000, `attempts ${i + 1}-${i + 6} within ${attempts[i + 5]! - attempts[i]!} ms`);
    }
    const firstMinute = attempts.filter((at) => at < attempts[0]! + 60_000);
    assert.equal(firstMinute.length, 5, 'the backoff alone would try more often: the limit is what holds it');
    noViolations(world);
  });
});
