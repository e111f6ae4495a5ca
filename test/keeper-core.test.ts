// Races and gaps that a real Janus can produce, each a named regression test: destroy
// during a create, a store that fails, the last tab leaving during an establish, handle moves,
// 459 on detach, handles lost with their session, tabs leaving during an outage.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import WebSocket from 'ws';
import { startFaultProxy } from '../e2e/fixtures/fault-proxy.js';
import type { KeeperConfig, TabEvent } from '../src/bridge/api.js';
import { DestroyedError, InvalidArgumentError, type WebSocketConstructor } from '../src/janus/index.js';
import { Keeper, type KeeperOptions } from '../src/worker/keeper.js';
import { memoryStore, type SessionStore } from '../src/worker/record/store.js';
import { quietLogger, useJanus, waitFor } from './helpers.js';

const Ws = WebSocket as unknown as WebSocketConstructor;
const ECHO = 'janus.plugin.echotest';

/** A tab's event port as the keeper sees it: what it was sent, kept. */
function fakePort(): MessagePort & { events: TabEvent[] } {
  const events: TabEvent[] = [];
  return { events, postMessage: (event: TabEvent) => void events.push(event), close() {} } as unknown as MessagePort & { events: TabEvent[] };
}

function keeperOn(server: string, extra: Partial<KeeperOptions> = {}, config: Partial<KeeperConfig> = {}) {
  const logger = quietLogger();
  const keeper = new Keeper({ config: { server, ...config }, store: memoryStore(), liveness: () => {}, logger, WebSocket: Ws, ...extra });
  return { keeper, logger };
}

/** One raw request on a connection of its own (Janus takes requests for a session from any transport). */
async function rawRequest(url: string, request: Record<string, unknown>): Promise<Record<string, any>> {
  const socket = new WebSocket(url, 'janus-protocol');
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  const transaction = Math.random().toString(36).slice(2);
  const answer = new Promise<Record<string, any>>((resolve) => socket.on('message', (data) => {
    const frame = JSON.parse(String(data));
    if (frame.transaction === transaction && frame.janus !== 'ack') resolve(frame);
  }));
  socket.send(JSON.stringify({ ...request, transaction }));
  const frame = await answer;
  socket.close();
  return frame;
}

describe('keeper core regressions against a real Janus', () => {
  const janus = useJanus({ sessionTimeout: 60, reclaimTimeout: 30 });

  it('bug 4: destroy() while a create() is in flight: the create rejects, Janus keeps no session, nothing is stored', async () => {
    const proxy = await startFaultProxy(janus().ports.ws);
    const store = memoryStore();
    const { keeper } = keeperOn(proxy.via(janus().wsUrl), { store, standalone: true });
    try {
      proxy.setMode('blackhole'); // the create waits on the wire
      const creating = keeper.create();
      await waitFor('the connection', () => proxy.open > 0);
      await keeper.destroy();
      proxy.setMode('pass');
      await assert.rejects(creating, DestroyedError);
      assert.equal(keeper.state, 'idle');
      await waitFor('no session left on Janus', async () => (await janus().listSessions()).length === 0);
      assert.equal(await store.load(keeper.key), undefined);
      assert.equal(keeper.snapshot().sessionId, undefined);
    } finally {
      await proxy.close();
    }
  });

  it('bug 2: a store that fails to load and to save: sessions are still created, the failure is told, a later write goes through', async () => {
    const records = memoryStore();
    let failing = true;
    const flaky: SessionStore = {
      load: (key) => (failing ? Promise.reject(new Error('IndexedDB blocked')) : records.load(key)),
      save: (record) => (failing ? Promise.reject(new Error('QuotaExceededError')) : records.save(record)),
      clear: (key) => (failing ? Promise.reject(new Error('IndexedDB blocked')) : records.clear(key)),
    };
    const { keeper, logger } = keeperOn(janus().wsUrl, { store: flaky, standalone: true });
    const { sessionId, reclaimed } = await keeper.create();
    assert.equal(reclaimed, false);
    assert.equal(keeper.state, 'ready');
    assert.ok(logger.warnings.some((line) => /could not read the stored session record/.test(line)), logger.warnings.join('\n'));
    failing = false;
    await keeper.attach('tab', ECHO); // the table changed: written again
    await waitFor('the record written', async () => (await records.load(keeper.key))?.sessionId === sessionId);
    assert.ok(logger.warnings.every((line) => !line.includes(String(sessionId))), 'no id in a warning');
    await keeper.destroy();
  });

  it('bug 6: the last tab leaving during an establish: no session kept alive for nobody', async () => {
    const proxy = await startFaultProxy(janus().ports.ws);
    const { keeper } = keeperOn(proxy.via(janus().wsUrl), { tabGraceMs: 0 });
    try {
      keeper.tabs.add('tab-1', 'lock-1', fakePort());
      proxy.setMode('blackhole');
      const creating = keeper.create();
      await waitFor('the connection', () => proxy.open > 0);
      keeper.tabs.remove('lock-1', false);
      await waitFor('idle', () => keeper.state === 'idle');
      proxy.setMode('pass');
      await assert.rejects(creating);
      assert.equal(keeper.state, 'idle');
      await waitFor('the fresh session destroyed on Janus', async () => (await janus().listSessions()).length === 0);
      assert.equal(keeper.snapshot().stats.keepalives, 0);
    } finally {
      await proxy.close();
    }
  });

  it('the last page closing while another tab is within its grace (a reload): the link stays, every handle is detached before it closes', async () => {
    const { keeper } = keeperOn(janus().wsUrl, { tabGraceMs: 60_000 });
    keeper.tabs.add('reloads', 'lock-reloads', fakePort());
    keeper.tabs.add('closes', 'lock-closes', fakePort());
    const { sessionId } = await keeper.create();
    const kept = await keeper.attach('reloads', ECHO);
    const closed = await keeper.attach('closes', ECHO);
    keeper.tabs.remove('lock-reloads', true); // away for a reload: may come back within the grace
    keeper.tabs.remove('lock-closes', false); // gone for good
    await waitFor('the closed tab\'s handle gone from Janus', async () => !(await janus().listHandles(sessionId)).includes(closed.handleId));
    assert.equal(keeper.state, 'ready', 'a tab within its grace still wants the session');
    keeper.tabs.add('reloads', 'lock-reloads-2', fakePort());
    assert.deepEqual(keeper.snapshot('reloads').handles.map((h) => h.handleId), [kept.handleId]);
    assert.equal(keeper.snapshot().sessionId, sessionId);
    keeper.tabs.remove('lock-reloads-2', false);
    await waitFor('idle', () => keeper.state === 'idle');
    // The link is closed now: the session waits out its reclaim window on Janus, with no handle left.
    assert.deepEqual(await janus().listHandles(sessionId), []);
  });

  it('bug 9: another tab takes a handle only with take: true and the same plugin; the previous owner is told', async () => {
    const { keeper } = keeperOn(janus().wsUrl);
    const [portA, portB] = [fakePort(), fakePort()];
    keeper.tabs.add('tab-a', 'lock-a', portA);
    keeper.tabs.add('tab-b', 'lock-b', portB);
    await keeper.create();
    const { handleId } = await keeper.attach('tab-a', ECHO);
    await assert.rejects(keeper.attach('tab-b', ECHO, { handleId }), InvalidArgumentError);
    await assert.rejects(keeper.attach('tab-b', 'janus.plugin.textroom', { handleId, take: true }), InvalidArgumentError);
    assert.deepEqual(keeper.snapshot('tab-a').handles.map((h) => h.handleId), [handleId], 'refusals change nothing');
    assert.deepEqual(await keeper.attach('tab-b', ECHO, { handleId, take: true }), { handleId, plugin: ECHO });
    assert.ok(portA.events.some((event) => event.type === 'handle-moved' && event.handleId === handleId));
    await assert.rejects(keeper.message('tab-a', handleId, { audio: true }), InvalidArgumentError);
    assert.equal((await keeper.message('tab-b', handleId, { audio: true })).data['result'], 'ok');
    assert.deepEqual(keeper.snapshot('tab-a').handles, []);
    await keeper.destroy();
  });

  it('bug 10: detach() of a handle Janus dropped while the link was down (459) succeeds and forgets it', async () => {
    const proxy = await startFaultProxy(janus().ports.ws);
    const { keeper } = keeperOn(proxy.via(janus().wsUrl), { standalone: true }, { backoff: { baseMs: 50, capMs: 100 } });
    try {
      const { sessionId } = await keeper.create();
      const { handleId } = await keeper.attach('me', ECHO);
      proxy.setMode('refuse');
      proxy.reset();
      await waitFor('reconnecting', () => keeper.state === 'reconnecting');
      // Janus's `detached` event goes to no link: the keeper cannot know.
      const answer = await rawRequest(janus().wsUrl, { janus: 'detach', session_id: sessionId, handle_id: handleId });
      assert.equal(answer['janus'], 'success');
      proxy.setMode('pass');
      await waitFor('ready again', () => keeper.state === 'ready');
      assert.deepEqual(keeper.snapshot('me').handles.map((h) => h.handleId), [handleId], 'still listed: nobody told it');
      await keeper.detach('me', handleId);
      assert.deepEqual(keeper.snapshot('me').handles, []);
      await assert.rejects(keeper.message('me', handleId, {}), InvalidArgumentError);
      await keeper.destroy();
    } finally {
      await proxy.close();
    }
  });

  it('bug 10: calls on a handle lost with its session throw DestroyedError', async () => {
    const { keeper } = keeperOn(janus().wsUrl, { standalone: true });
    const { sessionId } = await keeper.create();
    const { handleId } = await keeper.attach('me', ECHO);
    const lost = new Promise((resolve) => keeper.on('session-lost', resolve));
    await rawRequest(janus().wsUrl, { janus: 'destroy', session_id: sessionId });
    await assert.rejects(keeper.message('me', handleId, { audio: true })); // Janus answers 458
    await lost;
    assert.equal(keeper.state, 'lost');
    await assert.rejects(keeper.message('me', handleId, { audio: true }), DestroyedError);
    await assert.rejects(keeper.detach('me', handleId), DestroyedError);
    await keeper.destroy();
  });

  it('bug 10: a tab that leaves during an outage has its handles detached on Janus once the session is claimed', async () => {
    const proxy = await startFaultProxy(janus().ports.ws);
    const { keeper } = keeperOn(proxy.via(janus().wsUrl), { tabGraceMs: 0 }, { backoff: { baseMs: 50, capMs: 100 } });
    try {
      const staysPort = fakePort();
      keeper.tabs.add('stays', 'lock-stays', staysPort);
      keeper.tabs.add('leaves', 'lock-leaves', fakePort());
      const { sessionId } = await keeper.create();
      const kept = await keeper.attach('stays', ECHO);
      const gone = await keeper.attach('leaves', ECHO);
      proxy.setMode('refuse');
      proxy.reset();
      await waitFor('reconnecting', () => keeper.state === 'reconnecting');
      keeper.tabs.remove('lock-leaves', false);
      await waitFor('the tab forgotten', () => keeper.snapshot('leaves').handles.length === 0);
      proxy.setMode('pass');
      await waitFor('ready again', () => keeper.state === 'ready');
      assert.equal(keeper.snapshot().sessionId, sessionId);
      await waitFor('its handle gone from Janus', async () => {
        const handles = await janus().listHandles(sessionId);
        return handles.includes(kept.handleId) && !handles.includes(gone.handleId);
      });
      const missed = staysPort.events.filter((event) => event.type === 'missed-events');
      assert.deepEqual(missed, [{ type: 'missed-events', handleIds: [kept.handleId], sessionId }], 'told once, its own handles only');
      await keeper.destroy();
    } finally {
      await proxy.close();
    }
  });
});

describe('a session claimed elsewhere is found out (ownership probe) against a real Janus', () => {
  const janus = useJanus({ sessionTimeout: 60, reclaimTimeout: 30 });

  /** The `ws` package, counting the attach requests this keeper sends (a probe is one). */
  function countingWs() {
    const counts = { attach: 0 };
    class Counting extends WebSocket {
      override send(data: unknown, ...rest: unknown[]) {
        if (typeof data === 'string' && JSON.parse(data).janus === 'attach') counts.attach++;
        return (super.send as (...args: unknown[]) => void)(data, ...rest);
      }
    }
    return { WebSocketImpl: Counting as unknown as WebSocketConstructor, counts };
  }

  it('a keeper whose session another client claimed reports session-lost instead of staying deaf', async () => {
    const { keeper } = keeperOn(janus().wsUrl, { standalone: true }, { ownershipProbeMs: 200 });
    const { sessionId } = await keeper.create();
    await keeper.attach('me', ECHO);
    const lost: { reason: string }[] = [];
    keeper.on('session-lost', (event) => lost.push(event));
    const answer = await rawRequest(janus().wsUrl, { janus: 'claim', session_id: sessionId });
    assert.equal(answer['janus'], 'success');
    await waitFor('session-lost', () => lost.length > 0, 20_000, 20);
    assert.match(lost[0]!.reason, /another client claimed the session/);
    assert.equal(keeper.state, 'lost');
    await keeper.destroy();
  });

  it('a keeper that still owns its session stays ready through its probes', async () => {
    const { WebSocketImpl, counts } = countingWs();
    const { keeper } = keeperOn(janus().wsUrl, { standalone: true, WebSocket: WebSocketImpl }, { ownershipProbeMs: 100 });
    await keeper.create();
    await keeper.attach('me', ECHO);
    await waitFor('three probes', () => counts.attach >= 4, 20_000, 20); // the handle, then three probes
    assert.equal(keeper.state, 'ready');
    assert.equal((await keeper.message('me', keeper.snapshot('me').handles[0]!.handleId, { audio: true })).data['result'], 'ok');
    await keeper.destroy();
  });
});
