// Calls that arrive while a claim is on its way go right behind it on the same WebSocket (pipelined),
// not after its answer: one round trip for a claim and the first call. Janus answers one link's
// requests in order, so a refused claim (458) has the calls behind it refused too: they fail typed
// (DestroyedError, as on a lost session), and none runs on a new session unasked.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { attached, finish, flush, linkOf, noViolations, ready, untilConnect, watchUnhandled, worldWith } from './sim/scenario-kit.js';
import { advance, deliverFrame, deliverWhere, explain, wire } from './sim/script.js';
import type { SimSocket } from './sim/fake-websocket.js';
import { TOKEN, type World } from './sim/world.js';

const connect = (direction: 'up' | 'down') => (delivery: { kind: string; direction: string }) =>
  delivery.kind === 'connect' && delivery.direction === direction;

/** What the keeper put on `link`, and what came back on it, in order. */
function onLink(world: World, link: SimSocket, what: 'sent' | 'arrived' | 'received'): string[] {
  return world.net.wire.filter((event) => event.linkId === link.linkId && event.what === what)
    .map((event) => (event.code === undefined ? event.janus : `${event.janus} ${event.code}`));
}

/** A ready session with one handle, then its link drops: the keeper is reconnecting. */
async function droppedWithHandle(options: Parameters<typeof worldWith>[0] = {}) {
  const world = worldWith({ standalone: true, ...options });
  const sessionId = await ready(world);
  const handleId = await attached(world);
  world.drop(linkOf(world, sessionId));
  await flush(world);
  assert.equal(world.keeper.state, 'reconnecting', explain(world));
  return { world, sessionId, handleId };
}

/**
 * Lets the keeper open its next link (after its backoff; with `socketsBefore`, one it opens at once)
 * and the link open: the claim goes out on it (no answer delivered).
 */
async function claimOut(world: World, socketsBefore?: number): Promise<SimSocket> {
  let link: SimSocket;
  if (socketsBefore === undefined) {
    link = await untilConnect(world);
  } else {
    for (let i = 0; i < 20 && world.net.sockets.length === socketsBefore; i++) await world.endStep();
    assert.ok(world.net.sockets.length > socketsBefore, `the keeper opened a link\n${explain(world)}`);
    link = world.net.sockets.at(-1)!;
  }
  await deliverWhere(world, (delivery) => delivery.socket === link && connect('up')(delivery));
  await deliverWhere(world, (delivery) => delivery.socket === link && connect('down')(delivery));
  return link;
}

/** How the last call of this kind settled. */
function outcomeOf(world: World, what: string): string | undefined {
  return [...world.calls].reverse().find((call) => call.what === what)?.outcome;
}

describe('simulation: calls pipelined behind a claim', () => {
  watchUnhandled();

  it('a message behind a claim that succeeds is sent before the claim is answered (one round trip)', async () => {
    const { world, sessionId, handleId } = await droppedWithHandle();
    const message = world.message('tab-1', handleId); // waits: the keeper is reconnecting
    const link = await claimOut(world);
    assert.deepEqual(onLink(world, link, 'sent'), ['claim', 'info', 'message'], explain(world));
    assert.deepEqual(onLink(world, link, 'received'), [], 'nothing answered yet: the message did not wait for the claim');
    // Janus takes them in order; the answers are held back until all three arrived.
    assert.ok(await deliverFrame(world, 'up', 'claim'));
    assert.ok(await deliverFrame(world, 'up', 'info'));
    assert.ok(await deliverFrame(world, 'up', 'message'));
    assert.deepEqual(onLink(world, link, 'arrived'), ['claim', 'info', 'message']);
    assert.deepEqual(onLink(world, link, 'received'), []);
    await finish(world, message);
    assert.equal(outcomeOf(world, `message(handle ${handleId})`), 'ok', explain(world));
    assert.equal(world.keeper.state, 'ready');
    assert.equal(world.keeper.snapshot().sessionId, sessionId, 'the same session, claimed');
    assert.deepEqual(onLink(world, link, 'received').slice(0, 3), ['success', 'server_info', 'ack'],
      'the claim is answered first, then the message');
    noViolations(world);
  });

  it('a message and an attach behind a claim that gets 458 fail typed, none runs on the new session, restore with autoRecreate', async () => {
    const { world, sessionId, handleId } = await droppedWithHandle({ autoRecreate: true });
    world.model.restart(); // Janus lost the session while the link was down
    const restores: number[] = [];
    world.keeper.on('restore', ({ handle }) => restores.push(handle.handleId));
    const message = world.message('tab-1', handleId);
    const attach = world.attach('tab-1');
    const link = await claimOut(world);
    const sent = onLink(world, link, 'sent');
    assert.deepEqual(sent.slice(0, 2), ['claim', 'info'], explain(world));
    assert.deepEqual(sent.slice(2).sort(), ['attach', 'message'], 'both right behind the claim');
    assert.deepEqual(onLink(world, link, 'received'), []);
    await finish(world, message);
    await finish(world, attach);
    assert.equal(outcomeOf(world, `message(handle ${handleId})`), 'DestroyedError', explain(world));
    assert.equal(outcomeOf(world, 'attach(echotest)'), 'DestroyedError', explain(world));
    // (The keeper closes the link at the claim's 458: the calls' own 458s are not read.)
    assert.deepEqual(onLink(world, link, 'received').slice(0, 2), ['error 458', 'server_info'], explain(world));
    assert.deepEqual(onLink(world, link, 'arrived'), ['claim', 'info', ...sent.slice(2)], 'Janus got them in order');
    await flush(world);
    assert.equal(world.keeper.state, 'ready', explain(world));
    const fresh = world.keeper.snapshot().sessionId;
    assert.notEqual(fresh, sessionId, 'a new session after the loss');
    // Nothing of the tab's went to the new session on its own: it gets a restore and decides.
    const after = world.net.wire.filter((event) => event.linkId > link.linkId && event.what === 'sent').map((event) => event.janus);
    assert.ok(!after.includes('message') && !after.includes('attach'), `sent on the new session: ${after.join(', ')}`);
    assert.equal(world.model.sessions.get(fresh!)?.handles.size ?? 0, 0, 'no handle on the new session');
    assert.deepEqual(restores, [handleId], 'the lost handle gets restore');
    noViolations(world);
  });

  it('a message behind a claim that gets 458 without autoRecreate fails typed; the tabs get session-lost', async () => {
    const { world, handleId } = await droppedWithHandle();
    world.model.restart();
    const lost: string[] = [];
    world.keeper.on('session-lost', ({ reason }) => lost.push(reason));
    const message = world.message('tab-1', handleId);
    const link = await claimOut(world);
    assert.deepEqual(onLink(world, link, 'sent'), ['claim', 'info', 'message'], explain(world));
    await finish(world, message);
    assert.equal(outcomeOf(world, `message(handle ${handleId})`), 'DestroyedError', explain(world));
    assert.equal(world.keeper.state, 'lost', explain(world));
    assert.equal(lost.length, 1);
    assert.equal(world.net.wire.filter((event) => event.what === 'sent' && event.janus === 'create').length, 1,
      'only the first create: no new session unasked');
    noViolations(world);
  });

  it('a message behind a claim refused for its token (no provider) fails with TokenRefusedError; online() does not claim again', async () => {
    const { world, handleId } = await droppedWithHandle({ token: TOKEN });
    world.model.token = 'revoked'; // Janus refuses the keeper's only token from now on
    const message = world.message('tab-1', handleId);
    const link = await claimOut(world);
    assert.deepEqual(onLink(world, link, 'sent'), ['claim', 'info', 'message'], explain(world));
    await finish(world, message);
    assert.equal(outcomeOf(world, `message(handle ${handleId})`), 'TokenRefusedError', explain(world));
    const claims = wire(world, 'sent', 'claim').length;
    world.online(); // a tab saw the network come back: no reason to try the refused token again
    await advance(world, 30_000);
    assert.equal(wire(world, 'sent', 'claim').length, claims, `no claim on the keeper's own\n${explain(world)}`);
    noViolations(world);
  });

  it('a new worker (a reload) claims the stored session with the tab\'s first message right behind it', async () => {
    const world = worldWith();
    const sessionId = await ready(world);
    const handleId = await attached(world);
    await flush(world);
    world.restartWorker();
    const before = world.net.sockets.length;
    const created = world.create('tab-1');
    const message = world.message('tab-1', handleId); // names a handle the new worker has not read yet
    const link = await claimOut(world, before);
    assert.deepEqual(onLink(world, link, 'sent'), ['claim', 'info', 'message'], explain(world));
    assert.deepEqual(onLink(world, link, 'received'), []);
    await finish(world, created);
    await finish(world, message);
    assert.equal(outcomeOf(world, `message(handle ${handleId})`), 'ok', explain(world));
    assert.equal(world.keeper.snapshot().sessionId, sessionId);
    noViolations(world);
  });

  it('over HTTP nothing is pipelined: the message goes after the claim\'s answer', async () => {
    const world = worldWith({ transport: 'http' });
    await ready(world);
    const handleId = await attached(world);
    await flush(world);
    world.restartWorker();
    const created = world.create('tab-1');
    const message = world.message('tab-1', handleId);
    await finish(world, created);
    await finish(world, message);
    assert.equal(outcomeOf(world, `message(handle ${handleId})`), 'ok', explain(world));
    const { wire } = world.net;
    const claimSent = wire.findIndex((event) => event.what === 'sent' && event.janus === 'claim');
    assert.ok(claimSent >= 0, 'the new worker claimed');
    const claimLink = wire[claimSent]!.linkId;
    const claimAnswered = wire.findIndex((event) => event.linkId === claimLink && event.what === 'received');
    const messageSent = wire.findIndex((event, index) => index > claimSent && event.what === 'sent' && event.janus === 'message');
    assert.ok(claimAnswered > claimSent && messageSent > claimAnswered, `the message went after the claim's answer\n${explain(world)}`);
    noViolations(world);
  });
});
