// The page's view while it moves from a dead keeper worker to a new one (src/client/worker-watch.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KeeperState, TabEvent } from '../src/bridge/api.js';
import { ReconnectView } from '../src/client/worker-watch.js';

function state(name: KeeperState['state'], extra: Partial<KeeperState> = {}): TabEvent {
  return { type: 'state', state: { state: name, server: 'ws://x', servers: ['ws://x'], transport: 'ws', tabs: 1, handles: [],
    stats: { keepalives: 0, creates: 0, claims: 0, connections: 0 }, ...extra } };
}
const names = (events: TabEvent[]) => events.map((e) => (e.type === 'state' ? `${e.state.state}:${e.state.sessionId ?? '-'}` : e.type));

describe('ReconnectView', () => {
  it('shows reconnecting on the last session until the new keeper is ready, then missed-events for the handles', () => {
    const view = new ReconnectView();
    const handles = [{ handleId: 7, plugin: 'p' }];
    assert.deepEqual(names(view.filter(state('ready', { sessionId: 5, handles }))), ['ready:5']);
    assert.deepEqual(names([view.begin()!]), ['reconnecting:5']);
    assert.deepEqual(names(view.filter(state('idle'))), ['reconnecting:5'], "the new keeper's idle hello");
    assert.deepEqual(names(view.filter(state('connecting', { cause: 'claim' }))), ['reconnecting:5']);
    const out = view.filter(state('ready', { sessionId: 5, handles }));
    assert.deepEqual(names(out), ['ready:5', 'missed-events']);
    assert.deepEqual(out[1], { type: 'missed-events', handleIds: [7], sessionId: 5 });
    assert.deepEqual(names(view.filter(state('idle'))), ['idle:-'], 'after the recovery, states pass as they are');
  });

  it('does not repeat missed-events the keeper already sent, nor invent them without handles', () => {
    const view = new ReconnectView();
    view.filter(state('ready', { sessionId: 5, handles: [{ handleId: 7, plugin: 'p' }] }));
    view.begin();
    assert.deepEqual(names(view.filter({ type: 'missed-events', handleIds: [7], sessionId: 5 })), ['missed-events']);
    assert.deepEqual(names(view.filter(state('ready', { sessionId: 5, handles: [{ handleId: 7, plugin: 'p' }] }))), ['ready:5']);
    view.begin();
    // No missed-events without handles (handle 7, gone from the new keeper, is told detached).
    assert.deepEqual(names(view.filter(state('ready', { sessionId: 5 }))), ['ready:5', 'detached']);
  });

  it('a lost session ends the recovery as it is', () => {
    const view = new ReconnectView();
    view.filter(state('ready', { sessionId: 5 }));
    view.begin();
    assert.deepEqual(names(view.filter(state('lost', { cause: 'expired' }))), ['lost:-']);
    assert.equal(view.recovering, false);
  });

  it('a page back after its handles were let go (bfcache past the grace) hears them detached; the cause is the one given', () => {
    const view = new ReconnectView();
    view.filter(state('ready', { sessionId: 5, handles: [{ handleId: 7, plugin: 'p' }, { handleId: 8, plugin: 'p' }] }));
    const shown = view.begin('back from the back/forward cache');
    assert.equal(shown?.type === 'state' && shown.state.cause, 'back from the back/forward cache');
    view.filter(state('idle')); // a new keeper's first state, without the handles, is no loss yet
    const out = view.filter(state('ready', { sessionId: 5, handles: [{ handleId: 8, plugin: 'p' }] }));
    assert.deepEqual(names(out), ['ready:5', 'detached', 'missed-events']);
    assert.deepEqual(out[1], { type: 'detached', handleId: 7 });
    view.begin();
    assert.deepEqual(names(view.filter(state('ready', { sessionId: 6 }))), ['ready:6'], 'another session: session-lost tells, not detached');
  });
});
