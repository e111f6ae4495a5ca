// The keeper's races (bugs 1-6) as scripted interleavings in the simulation (test/sim): each fails on the
// keeper that has the bug, and says which one. Bugs 7-10: sim-scenarios-handles.test.ts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { knownFailing } from './sim/known-failing.js';
import { advance, attached, finish, flush, linkOf, noViolations, ready, untilConnect, watchUnhandled, worldWith } from './sim/scenario-kit.js';
import { deliverFrame, deliverWhere, wire } from './sim/script.js';
import { TOKEN } from './sim/world.js';

const connect = (direction: 'up' | 'down') => (delivery: { kind: string; direction: string }) =>
  delivery.kind === 'connect' && delivery.direction === direction;

describe('simulation: keeper races, bugs 1-6', () => {
  watchUnhandled();

  const bug1 = 'bug 1: the link drops after Janus answered create, before info answers: never a zombie ready';
  it(bug1, knownFailing(bug1), async () => {
    const world = worldWith({ standalone: true });
    const created = world.create('tab-1');
    await deliverWhere(world, connect('up'));
    await deliverWhere(world, connect('down'));
    await deliverFrame(world, 'up', 'create');
    await deliverFrame(world, 'up', 'info');
    await deliverFrame(world, 'down', 'success');
    world.drop(world.net.sockets[0]!);
    await finish(world, created);
    await advance(world, 20_000);
    noViolations(world);
    assert.ok(await attached(world), 'the keeper works afterwards');
  });

  const bug1b = 'bug 1 (claim): the link drops after Janus answered the claim, before info answers';
  it(bug1b, knownFailing(bug1b), async () => {
    const world = worldWith({ standalone: true });
    const sessionId = await ready(world);
    world.drop(linkOf(world, sessionId));
    await flush(world);
    const link = await untilConnect(world);
    await deliverWhere(world, connect('up'));
    await deliverWhere(world, connect('down'));
    await deliverFrame(world, 'up', 'claim');
    await deliverFrame(world, 'up', 'info');
    await deliverFrame(world, 'down', 'success');
    world.drop(link);
    await advance(world, 20_000);
    noViolations(world);
    assert.equal(world.keeper.state, 'ready');
    assert.ok(await attached(world), 'the keeper works afterwards');
  });

  const bug2 = 'bug 2: a store that cannot load still lets sessions be created';
  it(bug2, knownFailing(bug2), async () => {
    const world = worldWith({ standalone: true });
    world.store.failLoad = true;
    assert.ok(await finish(world, world.create('tab-1')), 'create() resolves with a session');
    assert.equal(world.keeper.state, 'ready');
    world.store.failLoad = false;
    await finish(world, world.destroy('tab-1'));
    world.store.failNextOpen = true;
    assert.ok(await finish(world, world.create('tab-1')), 'again after an open that failed once');
    noViolations(world);
  });

  const bug2b = 'bug 2: a record that could not be cleared is not claimed again (no second session-lost)';
  it(bug2b, knownFailing(bug2b), async () => {
    const world = worldWith({ standalone: true });
    await ready(world);
    world.store.failClear = true;
    await finish(world, world.destroy('tab-1'));
    world.store.failClear = false;
    assert.ok(await finish(world, world.create('tab-1')));
    noViolations(world);
  });

  const bug3 = 'bug 3: the recreate loop inside a reclaim and a tab create never deadlock in reconnecting';
  it(bug3, knownFailing(bug3), async () => {
    const world = worldWith({ standalone: true, autoRecreate: true });
    await ready(world);
    world.restartJanus();
    await flush(world);
    await untilConnect(world); // the claim's link opens...
    await deliverWhere(world, connect('up'));
    world.net.connectFaults.push('refuse'); // ...and the recreate after its 458 is refused
    await flush(world);
    const second = await ready(world); // a tab creates meanwhile
    world.drop(linkOf(world, second));
    await advance(world, 120_000);
    noViolations(world);
    assert.equal(world.keeper.state, 'ready');
  });

  const bug4 = 'bug 4: destroy() while a create is in flight does not bring the session back';
  it(bug4, knownFailing(bug4), async () => {
    const world = worldWith();
    const created = world.create('tab-1');
    await deliverWhere(world, connect('up'));
    await finish(world, world.destroy('tab-1'));
    await finish(world, created);
    await advance(world, 40_000);
    noViolations(world);
    assert.equal(world.keeper.state, 'idle');
    assert.equal(world.store.current, undefined, 'no record');
    assert.equal(world.model.sessions.size, 0, 'the session created meanwhile is gone from Janus');
  });

  const bug4b = 'bug 4: destroy() cancels a create waiting in the attempt limit';
  it(bug4b, knownFailing(bug4b), async () => {
    const world = worldWith({ maxAttemptsPerMinute: 2 });
    world.net.connectFaults.push('refuse', 'refuse');
    for (let i = 0; i < 2; i++) {
      const failed = world.create('tab-1');
      await finish(world, failed);
    }
    const waiting = world.create('tab-1');
    await flush(world);
    await finish(world, world.destroy('tab-1'));
    await advance(world, 70_000);
    await finish(world, waiting);
    noViolations(world);
    assert.equal(world.keeper.state, 'idle');
    assert.equal(world.model.sessions.size, 0);
  });

  const bug5 = 'bug 5: a refused token with no provider is never retried, autoRecreate or not';
  it(bug5, knownFailing(bug5), async () => {
    const world = worldWith({ standalone: true, autoRecreate: true, token: TOKEN });
    const sessionId = await ready(world);
    world.model.token = 'revoked';
    world.drop(linkOf(world, sessionId));
    await advance(world, 60_000);
    noViolations(world);
    const refused = wire(world, 'received', 'error').filter((event) => event.code === 403);
    assert.equal(refused.length, 1, 'one 403, then no more attempts');
    assert.ok(['lost', 'idle'].includes(world.keeper.state), world.keeper.state);
  });

  const bug6 = 'bug 6: the last tab leaving during an establish stops keepalives';
  it(bug6, knownFailing(bug6), async () => {
    const world = worldWith();
    const created = world.create('tab-1');
    await deliverWhere(world, connect('up'));
    world.closePage('tab-1', false);
    world.tick(); // its grace (none) ends before the create is answered
    await world.endStep();
    await finish(world, created);
    const left = world.clock.now();
    await advance(world, 60_000);
    noViolations(world);
    assert.notEqual(world.keeper.state, 'ready');
    assert.equal(wire(world, 'arrived', 'keepalive', left + world.options.tabGraceMs).length, 0, 'no keepalive');
  });
});
