import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TabEvent } from '../src/bridge/api.js';
import { toHandleEvent, webrtcAfter } from '../src/worker/handles/handle-events.js';
import { HeldEvents } from '../src/worker/handles/held-events.js';
import { TabRegistry } from '../src/worker/host/tabs.js';
import type { KeeperClient } from '../src/client/keeper-client.js';
import type { PeerKeeper } from '../src/peer/peer.js';

// The page helper takes a keeper client as it is (checked by the type check).
export const clientFitsPeer = (client: KeeperClient): PeerKeeper => client;

const handle = { id: 42, plugin: 'janus.plugin.echotest' };
const envelope = { session_id: 123456789, sender: 42, transaction: 't' };

describe('Janus frame -> tab event', () => {
  it('keeps every field of each handle event, never the session id', () => {
    const cases: [Record<string, unknown>, Record<string, unknown>][] = [
      [{ janus: 'webrtcup' }, { janus: 'webrtcup' }],
      [{ janus: 'media', type: 'video', receiving: true, mid: '1', seconds: 1 },
        { janus: 'media', media: 'video', receiving: true, mid: '1', seconds: 1 }],
      [{ janus: 'slowlink', media: 'audio', mid: '0', uplink: false, lost: 7 },
        { janus: 'slowlink', media: 'audio', mid: '0', uplink: false, lost: 7 }],
      [{ janus: 'hangup', reason: 'DTLS alert' }, { janus: 'hangup', reason: 'DTLS alert' }],
      [{ janus: 'trickle', candidate: { sdpMid: '0', sdpMLineIndex: 0, candidate: 'candidate:1 1 udp 1 10.0.0.1 5000 typ host' } },
        { janus: 'trickle', candidate: { sdpMid: '0', sdpMLineIndex: 0, candidate: 'candidate:1 1 udp 1 10.0.0.1 5000 typ host' } }],
      [{ janus: 'trickle', candidate: { completed: true } }, { janus: 'trickle', candidate: { completed: true } }],
      [{ janus: 'event', plugindata: { plugin: 'janus.plugin.videoroom', data: { videoroom: 'attached' } }, jsep: { type: 'offer', sdp: 'v=0' } },
        { janus: 'event', data: { videoroom: 'attached' }, jsep: { type: 'offer', sdp: 'v=0' }, plugin: 'janus.plugin.videoroom' }],
    ];
    for (const [frame, expected] of cases) {
      const event = toHandleEvent({ ...envelope, ...frame } as never, handle);
      assert.deepEqual(event, { handleId: 42, plugin: handle.plugin, ...expected });
      assert.ok(!JSON.stringify(event).includes('123456789'));
    }
  });

  it('ignores frames that are not handle events and garbage inside them', () => {
    assert.equal(toHandleEvent({ janus: 'ack' }, handle), undefined);
    assert.equal(toHandleEvent({ janus: 'trickle', candidate: 'x' }, handle), undefined);
    assert.deepEqual(toHandleEvent({ janus: 'event', plugindata: { plugin: 5, data: 7 }, jsep: 'x' } as never, handle),
      { handleId: 42, plugin: handle.plugin, janus: 'event', data: {} });
  });

  it('webrtc state: up on webrtcup, hungup on hangup, else unchanged', () => {
    const up = toHandleEvent({ janus: 'webrtcup' }, handle)!;
    const hangup = toHandleEvent({ janus: 'hangup', reason: 'x' }, handle)!;
    const media = toHandleEvent({ janus: 'media', type: 'audio', receiving: true }, handle)!;
    assert.equal(webrtcAfter('none', up), 'up');
    assert.equal(webrtcAfter('up', media), 'up');
    assert.equal(webrtcAfter('up', hangup), 'hungup');
    assert.equal(webrtcAfter('hungup', up), 'up');
  });
});

const event = (n: number): TabEvent => ({ type: 'event', handleId: n, plugin: 'p', janus: 'webrtcup' });

describe('events held for an absent tab', () => {
  it('keeps them in order up to the bound, then drops the oldest and says how many', () => {
    const held = new HeldEvents(3);
    for (let n = 1; n <= 5; n++) held.hold('t', event(n));
    held.hold('t', { type: 'state', state: {} as never });
    assert.deepEqual(held.take('t'), [{ type: 'events-dropped', count: 2 }, event(3), event(4), event(5)]);
    assert.deepEqual(held.take('t'), []);
  });

  it('a tab registry delivers what came during a reload to the page that comes back, in order', async () => {
    const gone: string[] = [];
    const tabs = new TabRegistry({ graceMs: 60_000, liveness: () => {}, onTabGone: (id) => gone.push(id), onPagesChanged: () => {} });
    const port = () => {
      const got: TabEvent[] = [];
      return { got, port: { postMessage: (e: TabEvent) => got.push(e), close: () => {} } as unknown as MessagePort };
    };
    const first = port();
    tabs.add('tab', 'lock-1', first.port);
    tabs.post('tab', event(1));
    tabs.remove('lock-1', true); // the reload
    tabs.post('tab', event(2));
    tabs.post('tab', { type: 'event', handleId: 2, plugin: 'p', janus: 'hangup', reason: 'DTLS alert' });
    tabs.post('other', event(9)); // a tab never seen: nothing held for it
    const second = port();
    tabs.add('tab', 'lock-2', second.port);
    assert.deepEqual(first.got, [event(1)]);
    assert.deepEqual(second.got, [event(2), { type: 'event', handleId: 2, plugin: 'p', janus: 'hangup', reason: 'DTLS alert' }]);
    tabs.remove('lock-2', false);
    await new Promise((resolve) => setTimeout(resolve, 5));
    assert.deepEqual(gone, ['tab']);
  });

  it('a page that says it is leaving (pagehide) gets its events held before its lock is released', () => {
    const tabs = new TabRegistry({ graceMs: 60_000, liveness: () => {}, onTabGone: () => {}, onPagesChanged: () => {} });
    const got: TabEvent[] = [];
    const leaving = { postMessage: (e: TabEvent) => got.push(e), close: () => {} } as unknown as MessagePort;
    tabs.add('tab', 'lock-1', leaving);
    leaving.onmessage!({ data: { type: 'leaving' } } as MessageEvent);
    tabs.post('tab', event(1));
    assert.deepEqual(got, []);
    const back: TabEvent[] = [];
    tabs.add('tab', 'lock-2', { postMessage: (e: TabEvent) => back.push(e), close: () => {} } as unknown as MessagePort);
    assert.deepEqual(back, [event(1)]);
    tabs.remove('lock-2', false);
  });
});
