// Janus's stock timers (session_timeout 60, reclaim_session_timeout 0), against a real Janus (the
// build of JANUS_PREFIX, else Debian's): what the keeper says the server allows, a WebSocket drop
// that ends the session goes straight to a new one (no claim that can only answer 458), an HTTP
// drop keeps it. The choice of link for a keeper that dies with its pages, as pure functions.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import WebSocket from 'ws';
import { startFaultProxy } from '../e2e/fixtures/fault-proxy.js';
import { STOCK_TIMERS } from '../e2e/fixtures/janus-launcher.js';
import type { TabEvent } from '../src/bridge/api.js';
import type { WebSocketConstructor } from '../src/janus/index.js';
import { Keeper } from '../src/worker/keeper.js';
import { memoryStore } from '../src/worker/record/store.js';
import {
  keeperOutlivesPages,
  preferLinkThatOutlives,
  RECLAIM_ZERO_CAUSE,
  serverAllows,
} from '../src/worker/servers/server-allows.js';
import { quietLogger, useJanus, waitFor } from './helpers.js';

const Ws = WebSocket as unknown as WebSocketConstructor;
const STOCK = { sessionTimeoutS: 60, reclaimTimeoutS: 0 };

describe('what the server allows (pure)', () => {
  it('a ws session on reclaim 0 survives neither a drop nor, in a worker that dies with its pages, a reload', () => {
    assert.deepEqual(serverAllows('ws://j', ['ws://j'], STOCK, false), {
      ...STOCK, dropKeepsSession: false, reloadKeepsSession: false,
      note: `${RECLAIM_ZERO_CAUSE}: a drop or a lone tab's reload ends the session; list Janus's HTTP URL too `
        + '(server: [ws, http]) or set reclaim_session_timeout to keep it',
    });
    assert.equal(serverAllows('ws://j', ['ws://j'], STOCK, true)?.reloadKeepsSession, true);
    assert.equal(serverAllows('ws://j', ['ws://j'], { sessionTimeoutS: 60, reclaimTimeoutS: 30 }, false)?.dropKeepsSession, true);
    assert.deepEqual(serverAllows('http://j/janus', ['ws://j', 'http://j/janus'], STOCK, false),
      { ...STOCK, dropKeepsSession: true, reloadKeepsSession: true });
    assert.equal(serverAllows('ws://j', ['ws://j'], undefined, false), undefined);
  });

  it('a keeper that dies with its pages holds the session on HTTP once the ws server is known to end sessions', () => {
    const list = ['ws://j', 'http://j/janus'];
    assert.deepEqual(preferLinkThatOutlives(list, true, false), ['http://j/janus', 'ws://j']);
    assert.deepEqual(preferLinkThatOutlives(list, false, false), list);
    assert.deepEqual(preferLinkThatOutlives(list, true, true), list);
    assert.deepEqual(preferLinkThatOutlives(['ws://j'], true, false), ['ws://j']);
  });

  it('outlives its pages: Node; a SharedWorker asked for extendedLifetime in Chromium only', () => {
    assert.equal(keeperOutlivesPages(true, {}), true);
    assert.equal(keeperOutlivesPages(false, { name: 'janus-keeper/extended', navigator: { userAgentData: {} } }), true);
    assert.equal(keeperOutlivesPages(false, { name: 'janus-keeper/extended', navigator: {} }), false);
    assert.equal(keeperOutlivesPages(false, { name: 'janus-keeper', navigator: { userAgentData: {} } }), false);
  });
});

describe('stock timers on a real Janus', () => {
  const janus = useJanus({ ...STOCK_TIMERS });

  for (const transport of ['ws', 'http'] as const) {
    it(`a drop of the ${transport} link: ${transport === 'ws' ? 'one new session, no claim' : 'the same session claimed'}`, async () => {
      const target = transport === 'ws' ? janus().ports.ws : janus().ports.http;
      const proxy = await startFaultProxy(target);
      const direct = transport === 'ws' ? janus().wsUrl : janus().httpUrl;
      const logger = quietLogger();
      const keeper = new Keeper({ config: { server: proxy.via(direct), autoRecreate: true, keepAliveMs: 1_000 },
        store: memoryStore(), standalone: true, liveness: () => {}, logger, WebSocket: Ws });
      const lost: Array<Extract<TabEvent, { type: 'session-lost' }>> = [];
      keeper.on('session-lost', (event) => lost.push({ type: 'session-lost', ...event }));
      try {
        const { sessionId } = await keeper.create();
        const allows = keeper.snapshot().serverAllows;
        assert.deepEqual({ ...allows, note: undefined }, { ...STOCK, dropKeepsSession: transport === 'http',
          reloadKeepsSession: true, note: undefined });
        if (transport === 'ws') assert.equal(logger.warnings.filter((line) => line.includes(RECLAIM_ZERO_CAUSE)).length, 1);
        const claims = keeper.snapshot().stats.claims;
        proxy.setMode('refuse');
        proxy.reset();
        await new Promise((resolve) => setTimeout(resolve, 2_000));
        proxy.setMode('pass');
        await waitFor('ready again', () => keeper.snapshot().state === 'ready' && keeper.snapshot().sessionId !== undefined
          && (transport === 'http' || keeper.snapshot().sessionId !== sessionId), 30_000);
        const after = keeper.snapshot();
        if (transport === 'ws') {
          assert.equal(after.stats.claims, claims, 'no claim after a close that ended the session');
          assert.deepEqual(lost.map((event) => event.reason), [RECLAIM_ZERO_CAUSE]);
          assert.deepEqual(await janus().listSessions(), [after.sessionId]);
        } else {
          assert.equal(after.sessionId, sessionId);
          assert.deepEqual(lost, []);
        }
      } finally {
        await keeper.destroy().catch(() => {});
        await proxy.close();
      }
    });
  }
});
