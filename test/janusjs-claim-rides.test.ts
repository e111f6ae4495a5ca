// A reloaded janus.js page on a new keeper (Firefox, WebKit: the worker dies with a lone tab): the
// adapter answers janus.js's `create` as soon as the keeper's claim of the stored session went out,
// so that janus.js's `attach` goes right behind the claim on the wire (one round trip for both).
// When Janus refuses that claim, the attach goes again on the keeper's new session: janus.js gets
// its handle either way. Real Janus, through the fault proxy at 50 ms each way.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { startFaultProxy, type FaultProxy } from '../e2e/fixtures/fault-proxy.js';
import type { KeeperConfig } from '../src/bridge/api.js';
import { FrameSession, type Frame } from '../src/janusjs/frames.js';
import { Keeper } from '../src/worker/keeper.js';
import { memoryStore, type SessionStore } from '../src/worker/record/store.js';
import { quietLogger, useJanus, waitFor } from './helpers.js';
import { keeperForFrames } from './keeper-frames.js';
import { PlainWebSocket, WireLog } from './ws-wire.js';

const ECHO = 'janus.plugin.echotest';
const ONE_WAY_MS = 50;

/** janus.js on a keeper: what it sends, as frames, and the answer of each. */
function janusjsPage(keeper: Keeper) {
  const calls = keeperForFrames(keeper, 'tab');
  const waiting = new Map<unknown, (frame: Frame) => void>();
  const session = new FrameSession(async () => calls, (frame) => waiting.get(frame['transaction'])?.(frame));
  let counter = 0;
  const send = (frame: Frame) => new Promise<Frame>((resolve) => {
    const transaction = `t${++counter}`;
    waiting.set(transaction, resolve);
    void session.request({ ...frame, transaction });
  });
  return { session, send };
}

const idOf = (answer: Frame) => (answer['data'] as { id: number }).id;

async function rawDestroy(url: string, sessionId: number): Promise<void> {
  const socket = new WebSocket(url, 'janus-protocol');
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  const answered = new Promise((resolve) => socket.on('message', (data) => {
    if ((JSON.parse(String(data)) as Frame).transaction === 'd') resolve(undefined);
  }));
  socket.send(JSON.stringify({ janus: 'destroy', session_id: sessionId, transaction: 'd' }));
  await answered;
  socket.close();
}

describe('janus.js through the adapter on a new keeper: its attach rides the claim (real Janus, 50 ms each way)', () => {
  const janus = useJanus();
  let proxy: FaultProxy;
  let wire: WireLog;
  let store: SessionStore;
  const keepers: Keeper[] = [];

  before(async () => {
    wire = new WireLog();
    proxy = await startFaultProxy(janus().ports.ws, '127.0.0.1', { tap: wire.tap });
  });
  after(async () => {
    await Promise.all(keepers.map((keeper) => keeper.destroy().catch(() => {})));
    await proxy.close();
  });

  const newKeeper = () => {
    const config: KeeperConfig = { server: proxy.via(janus().wsUrl), requestTimeoutMs: 10_000 };
    const keeper = new Keeper({ config, store, standalone: true, liveness: () => {}, logger: quietLogger(), WebSocket: PlainWebSocket });
    keepers.push(keeper);
    return keeper;
  };

  /** A janus.js page that made a session and a handle, then reloaded: its keeper left, the session stayed on Janus. */
  async function reloadedPage(): Promise<number> {
    await Promise.all(keepers.splice(0).map((keeper) => keeper.destroy().catch(() => {})));
    store = memoryStore();
    proxy.setLatency(0);
    const first = newKeeper();
    const page = janusjsPage(first);
    const sessionId = idOf(await page.send({ janus: 'create' }));
    await page.send({ janus: 'attach', plugin: ECHO });
    await page.session.release(); // the adapter ends a janus.js page's handles on pagehide
    first.handOver('the page reloads');
    await waitFor('the old link closed', () => proxy.open === 0, 10_000, 5);
    proxy.setLatency(ONE_WAY_MS);
    return sessionId;
  }

  /** The frames on the new keeper's link, from its claim on, as `> request` / `< answer`. */
  function linkOrder(from: number): string[] {
    const link = wire.claimLink(from);
    assert.ok(link, 'a claim on the wire');
    return link.order;
  }

  it('create is answered with the stored session once the claim went out; the attach goes before the claim\'s answer', async () => {
    const sessionId = await reloadedPage();
    const from = wire.frames.length;
    const page = janusjsPage(newKeeper());
    const created = await page.send({ janus: 'create' });
    assert.equal(created.janus, 'success');
    assert.equal(idOf(created), sessionId, 'the stored session');
    const attached = await page.send({ janus: 'attach', plugin: ECHO });
    assert.equal(attached.janus, 'success');
    const answer = await page.send({ janus: 'message', handle_id: idOf(attached), body: { audio: true } });
    assert.equal(answer.janus, 'ack', JSON.stringify(answer)); // EchoTest answers with an event
    const order = linkOrder(from);
    assert.ok(order.indexOf('> attach') < order.indexOf('< success'), `attach before the claim's answer: ${order.join(', ')}`);
    assert.deepEqual(await janus().listSessions(), [sessionId]);
  });

  it('Janus refuses the claim: the attach that rode it goes again on the new session, and answers', async () => {
    const sessionId = await reloadedPage();
    await rawDestroy(janus().wsUrl, sessionId); // as if the session had expired on Janus
    const from = wire.frames.length;
    const keeper = newKeeper();
    const page = janusjsPage(keeper);
    const created = await page.send({ janus: 'create' });
    assert.equal(idOf(created), sessionId, 'answered when the claim went out, before Janus refused it');
    const attached = await page.send({ janus: 'attach', plugin: ECHO });
    assert.equal(attached.janus, 'success', JSON.stringify(attached));
    const answer = await page.send({ janus: 'message', handle_id: idOf(attached), body: { audio: true } });
    assert.equal(answer.janus, 'ack', JSON.stringify(answer));
    const order = linkOrder(from);
    assert.ok(order.indexOf('> attach') < order.indexOf('< error'), `the first attach rode the refused claim: ${order.join(', ')}`);
    const attaches = wire.frames.slice(from).filter((frame) => frame.direction === 'up' && frame.janus === 'attach');
    assert.equal(attaches.length, 2, 'attached again, on the new session');
    const live = keeper.snapshot().sessionId;
    assert.notEqual(live, sessionId);
    assert.deepEqual(await janus().listSessions(), [live]);
  });
});
