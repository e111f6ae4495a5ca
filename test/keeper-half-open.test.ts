// A half-open link against a real Janus, through the fault proxy's blackhole (sockets kept,
// nothing forwarded, a close never reaching Janus): defect 2 (the keeper took the session as gone
// once the reclaim window passed, while Janus keeps it for session_timeout) and defect 3 (a closed
// tab's detach went into the dead link and was never retried). No sleep past an expiry: the tests
// wait on the keeper's own counts (connections, keepalives) and ask the admin API.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import WebSocket from 'ws';
import { startFaultProxy } from '../e2e/fixtures/fault-proxy.js';
import type { KeeperConfig, TabEvent } from '../src/bridge/api.js';
import type { WebSocketConstructor } from '../src/janus/index.js';
import { Keeper, type KeeperOptions } from '../src/worker/keeper.js';
import { memoryStore } from '../src/worker/record/store.js';
import { quietLogger, useJanus, waitFor } from './helpers.js';

const ECHO = 'janus.plugin.echotest';

function fakePort(): MessagePort & { events: TabEvent[] } {
  const events: TabEvent[] = [];
  return { events, postMessage: (event: TabEvent) => void events.push(event), close() {} } as unknown as MessagePort & { events: TabEvent[] };
}

function keeperOn(server: string, extra: Partial<KeeperOptions>, config: Partial<KeeperConfig>): Keeper {
  return new Keeper({ config: { server, keepAliveMs: 500, keepAliveTimeoutMs: 400, requestTimeoutMs: 1_000, ...config },
    store: memoryStore(), liveness: () => {}, logger: quietLogger(), WebSocket: WebSocket as unknown as WebSocketConstructor, ...extra });
}

describe('a half-open link against a real Janus (fault proxy blackhole)', () => {
  // Janus keeps a session whose socket it sees open for session_timeout (20 s); a close it sees: 3 s.
  const janus = useJanus({ sessionTimeout: 20, reclaimTimeout: 3 });

  it('defect 2: past the reclaim window the keeper still claims the session it had, and gets it (no second session)', async () => {
    const proxy = await startFaultProxy(janus().ports.ws);
    const keeper = keeperOn(proxy.via(janus().wsUrl), { standalone: true }, { autoRecreate: true, connectTimeoutMs: 800, backoff: { baseMs: 200, capMs: 400 } } as Partial<KeeperConfig>);
    const lost: unknown[] = [];
    keeper.on('session-lost', (event) => lost.push(event));
    try {
      const { sessionId } = await keeper.create();
      const { handleId } = await keeper.attach('node', ECHO);
      const lastAnswer = Date.now();
      proxy.setMode('blackhole');
      await waitFor('reconnecting', () => keeper.state === 'reconnecting', 10_000, 20);
      // The reclaim window and Janus's expiry check (3 s + 2 s) pass, with claims failing all along
      // (each connection is accepted and held: the claim never reaches Janus).
      const windowEnd = lastAnswer + 5_000;
      let afterWindow = 0;
      await waitFor('two claims tried after the reclaim window', () => {
        if (Date.now() > windowEnd && afterWindow === 0) afterWindow = proxy.counters.connections;
        return afterWindow > 0 && proxy.counters.connections >= afterWindow + 2 ? true : undefined;
      }, 15_000, 20);
      assert.deepEqual(lost, [], 'no session-lost while Janus may still hold the session');
      assert.ok((await janus().listSessions()).includes(sessionId), 'Janus still has it: it never saw the socket close');
      proxy.setMode('pass');
      await waitFor('ready again', () => (keeper.state === 'ready' ? true : undefined), 10_000, 20);
      assert.equal(keeper.snapshot().sessionId, sessionId, 'the same session, claimed');
      assert.equal((await keeper.message('node', handleId, { audio: true })).data['result'], 'ok');
      assert.deepEqual(await janus().listSessions(), [sessionId], 'one session on Janus');
    } finally {
      await keeper.destroy().catch(() => {});
      await proxy.close();
    }
  });

  it('defect 3: a tab closed while the link is half-open has its handle detached on Janus after the claim', async () => {
    const proxy = await startFaultProxy(janus().ports.ws);
    const keeper = keeperOn(proxy.via(janus().wsUrl), { tabGraceMs: 0 }, { backoff: { baseMs: 50, capMs: 100 } });
    try {
      keeper.tabs.add('stays', 'lock-stays', fakePort());
      keeper.tabs.add('leaves', 'lock-leaves', fakePort());
      const { sessionId } = await keeper.create();
      const kept = await keeper.attach('stays', ECHO);
      const gone = await keeper.attach('leaves', ECHO);
      proxy.setMode('blackhole');
      keeper.tabs.remove('lock-leaves', false); // the keeper is still ready: the detach goes into the dead link
      await waitFor('the dead link found', () => keeper.state === 'reconnecting', 10_000, 20);
      proxy.reset(); // the path resets: what waited in it is lost
      proxy.setMode('pass');
      await waitFor('ready again', () => keeper.state === 'ready', 10_000, 20);
      assert.equal(keeper.snapshot().sessionId, sessionId);
      const claimedAt = keeper.snapshot().stats.keepalives;
      // The detach goes right after the claim, before the next keepalive: one acked keepalive later it was answered.
      await waitFor('a keepalive after the claim', () => keeper.snapshot().stats.keepalives > claimedAt, 10_000, 20);
      const handles = await janus().listHandles(sessionId);
      assert.ok(handles.includes(kept.handleId), 'the staying tab keeps its handle');
      assert.ok(!handles.includes(gone.handleId), 'the closed tab\'s handle was detached on Janus');
    } finally {
      await keeper.destroy().catch(() => {});
      await proxy.close();
    }
  });
});
