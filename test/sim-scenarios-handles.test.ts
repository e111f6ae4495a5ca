// The keeper's races (bugs 7-10) as scripted interleavings in the simulation (test/sim): listeners that
// throw, ports, handle ownership, and the smaller ones. Bugs 1-6: sim-scenarios.test.ts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DestroyedError, InvalidArgumentError } from '../src/janus/index.js';
import { knownFailing } from './sim/known-failing.js';
import { advance, attached, finish, flush, linkOf, noViolations, ready, watchUnhandled, worldWith } from './sim/scenario-kit.js';
import { explain } from './sim/script.js';
import { ECHO, TEXTROOM } from './sim/world.js';

const settledError = async (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error);

describe('simulation: keeper races, bugs 7-10', () => {
  watchUnhandled();

  const bug7 = 'bug 7: a listener that throws breaks neither the keeper nor the process';
  it(bug7, knownFailing(bug7), async (t) => {
    const uncaught: unknown[] = [];
    const onUncaught = (error: unknown) => void uncaught.push(error);
    process.on('uncaughtException', onUncaught);
    t.mock.method(console, 'error', () => {});
    try {
      const world = worldWith({ standalone: true });
      for (const type of ['state', 'session-lost', 'missed-events'] as const) {
        world.keeper.on(type, () => {
          throw new Error(`a buggy ${type} listener`);
        });
      }
      const sessionId = await ready(world);
      world.drop(linkOf(world, sessionId));
      await advance(world, 5_000);
      assert.equal(world.keeper.state, 'ready', explain(world));
      assert.equal(world.keeper.snapshot().sessionId, sessionId);
      await new Promise((resolve) => setImmediate(resolve));
      assert.deepEqual(uncaught, []);
      noViolations(world);
    } finally {
      process.off('uncaughtException', onUncaught);
    }
  });

  const bug8 = 'bug 8: a page that leaves has its port closed, and nothing is posted on it afterwards';
  it(bug8, knownFailing(bug8), async () => {
    const world = worldWith();
    world.openPage('tab-2');
    const sessionId = await ready(world);
    const port = world.tab('tab-2').page!.port;
    world.closePage('tab-2', false);
    assert.ok(port.closed, 'the port is closed');
    const seen = port.events.length;
    world.drop(linkOf(world, sessionId));
    await advance(world, 5_000);
    assert.equal(port.events.length, seen, 'nothing posted on the closed port');
    noViolations(world);
  });

  const bug9 = 'bug 9: another tab cannot take a handle by naming its id, under any plugin name';
  it(bug9, knownFailing(bug9), async () => {
    const world = worldWith();
    world.openPage('tab-2');
    await ready(world);
    const handleId = await attached(world, 'tab-1');
    for (const plugin of [TEXTROOM, ECHO]) {
      const refused = settledError(world.keeper.attach('tab-2', plugin, { handleId }));
      assert.ok(await finish(world, refused) instanceof InvalidArgumentError, `attach(${plugin}) naming tab-1's handle is refused`);
    }
    assert.deepEqual(world.keeper.snapshot('tab-1').handles.map((handle) => handle.handleId), [handleId]);
    const answer = world.keeper.message('tab-1', handleId, { audio: true });
    assert.equal((await finish(world, answer)).data['result'], 'ok', 'the owner still uses it');
    noViolations(world);
  });

  const bug9b = 'bug 9: a handle moves only with take: true, and its previous owner is told (handle-moved)';
  it(bug9b, knownFailing(bug9b), async () => {
    const world = worldWith({ take: true });
    world.openPage('tab-2');
    await ready(world);
    const handleId = await attached(world, 'tab-1');
    const moved = world.attach('tab-2', ECHO, { handleId, take: true });
    assert.equal((await finish(world, moved))?.handleId, handleId);
    const told = world.tab('tab-1').page!.port.events.filter((event) => (event.type as string) === 'handle-moved');
    assert.deepEqual(told, [{ type: 'handle-moved', handleId }]);
    assert.ok(await finish(world, settledError(world.keeper.message('tab-1', handleId, { audio: true }))) instanceof InvalidArgumentError);
    const taken = world.keeper.message('tab-2', handleId, { audio: true });
    assert.equal((await finish(world, taken)).data['result'], 'ok');
    noViolations(world);
  });

  const bug10a = 'bug 10: a tab that leaves during an outage has its handles detached on Janus after the claim';
  it(bug10a, knownFailing(bug10a), async () => {
    const world = worldWith();
    world.openPage('tab-2');
    const sessionId = await ready(world);
    const handleId = await attached(world, 'tab-2');
    world.net.connectFaults.push('refuse', 'refuse');
    world.drop(linkOf(world, sessionId));
    await flush(world);
    world.closePage('tab-2', false);
    await advance(world, 20_000);
    assert.equal(world.keeper.state, 'ready', explain(world));
    assert.equal(world.keeper.snapshot().sessionId, sessionId);
    assert.equal(world.model.sessions.get(sessionId)?.handles.has(handleId), false, 'the handle was detached on Janus');
    noViolations(world);
  });

  const bug10b = 'bug 10: detach() of a handle Janus already dropped (459) leaves no stale entry';
  it(bug10b, knownFailing(bug10b), async () => {
    const world = worldWith();
    const sessionId = await ready(world);
    const handleId = await attached(world);
    world.model.dropHandle(sessionId, handleId, false);
    const detach = settledError(world.keeper.detach('tab-1', handleId));
    await finish(world, detach);
    assert.deepEqual(world.keeper.snapshot('tab-1').handles, [], 'the handle is gone from the tab');
    noViolations(world);
  });

  const bug10c = 'bug 10: a call on a handle lost with its session throws DestroyedError (README)';
  it(bug10c, knownFailing(bug10c), async () => {
    const world = worldWith();
    await ready(world);
    const handleId = await attached(world);
    world.restartJanus();
    await advance(world, 5_000);
    assert.equal(world.keeper.state, 'lost', explain(world));
    const error = await finish(world, settledError(world.keeper.message('tab-1', handleId, { audio: true })));
    assert.ok(error instanceof DestroyedError, `got ${String(error)}`);
    noViolations(world);
  });

  const bug10d = 'bug 10: savedAt is when Janus last answered, not when the record was written';
  it(bug10d, knownFailing(bug10d), async () => {
    const world = worldWith();
    world.openPage('tab-2');
    await ready(world);
    await attached(world, 'tab-2');
    await advance(world, 2_000); // no keepalive yet (every 5 s)
    world.closePage('tab-2', false); // its handle goes: the record is written again
    await advance(world, 0);
    noViolations(world);
  });

  const bug10e = 'bug 10: connectTimeoutMs set through the keeper bounds the connect';
  it(bug10e, knownFailing(bug10e), async () => {
    const world = worldWith({ requestTimeoutMs: 5_000, connectTimeoutMs: 1_000 });
    world.net.connectFaults.push('blackhole');
    let settled = false;
    const created = world.create('tab-1').finally(() => {
      settled = true;
    });
    await advance(world, 1_000);
    assert.ok(settled, 'the connect gave up at connectTimeoutMs');
    await finish(world, created);
    noViolations(world);
  });

  const bug10f = 'bug 10: the keepalive count is of acks: a silent link adds none';
  it(bug10f, knownFailing(bug10f), async () => {
    const world = worldWith({ standalone: true });
    const sessionId = await ready(world);
    world.net.blackhole(linkOf(world, sessionId));
    await advance(world, world.options.keepAliveMs + world.options.keepAliveTimeoutMs);
    assert.equal(world.keeper.snapshot().stats.keepalives, 0);
    noViolations(world);
  });
});
