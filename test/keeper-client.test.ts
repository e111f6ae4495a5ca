// The page's KeeperClient over a stand-in endpoint (no worker, no Janus): what `currentState` says
// between the keeper's state events.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HandleInfo, KeeperCalls, KeeperState } from '../src/bridge/api.js';
import { KeeperClient } from '../src/client/keeper-client.js';
import { LocalEventPort } from '../src/client/local-port.js';

const STATE = { state: 'ready', server: 'ws://janus', servers: ['ws://janus'], transport: 'ws', tabs: 1, handles: [],
  stats: { keepalives: 0, creates: 0, claims: 0, connections: 0 } } as unknown as KeeperState;

function client(): { keeper: KeeperClient; events: LocalEventPort } {
  let next = 100;
  const endpoint = {
    attach: async (plugin: string): Promise<HandleInfo> => ({ handleId: ++next, plugin }),
    detach: async () => {},
  } as unknown as KeeperCalls;
  const events = new LocalEventPort(() => {});
  return { keeper: new KeeperClient(endpoint, events, STATE, () => {}, () => 'shared-worker'), events };
}

describe('KeeperClient.currentState', () => {
  it('lists a handle this tab attached, and drops it once detached, with no state event between', async () => {
    const { keeper } = client();
    const first = await keeper.attach('janus.plugin.echotest');
    const second = await keeper.attach('janus.plugin.videoroom');
    assert.deepEqual(keeper.currentState.handles.map((h) => h.handleId), [first.handleId, second.handleId]);
    await keeper.detach(first.handleId);
    assert.deepEqual(keeper.currentState.handles.map((h) => h.handleId), [second.handleId]);
  });

  it('drops a handle Janus detached or another tab took, and still tells the listeners', async () => {
    const { keeper, events } = client();
    const a = await keeper.attach('janus.plugin.echotest');
    const b = await keeper.attach('janus.plugin.echotest');
    const told: string[] = [];
    keeper.on('detached', ({ handleId }) => told.push(`detached ${handleId}`));
    keeper.on('handle-moved', ({ handleId }) => told.push(`moved ${handleId}`));
    assert.equal(keeper.currentState.handles.length, 2);
    events.deliver({ type: 'detached', handleId: a.handleId });
    events.deliver({ type: 'handle-moved', handleId: b.handleId });
    assert.deepEqual(keeper.currentState.handles, []);
    assert.deepEqual(told, [`detached ${a.handleId}`, `moved ${b.handleId}`]);
  });

  it('takes the keeper\'s next state event whole', async () => {
    const { keeper, events } = client();
    await keeper.attach('janus.plugin.echotest');
    events.deliver({ type: 'state', state: { ...STATE, handles: [{ handleId: 7, plugin: 'janus.plugin.sip' }] } });
    assert.deepEqual(keeper.currentState.handles, [{ handleId: 7, plugin: 'janus.plugin.sip' }]);
  });
});
