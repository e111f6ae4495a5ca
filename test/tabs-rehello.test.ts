// A page's hello that timed out (a worker slow to start) and the same page's next hello on a new
// connection: the keeper keeps the new connection only, and lets the old one go.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TabRegistry } from '../src/worker/host/tabs.js';

describe('a page that says hello again on a new connection', () => {
  it('replaces its old connection: the old one is released and closed, events go to the new one', () => {
    let changes = 0;
    const tabs = new TabRegistry({ graceMs: 60_000, liveness: () => {}, onTabGone: () => {}, onPagesChanged: () => void changes++ });
    const first = new MessageChannel();
    const second = new MessageChannel();
    const released: string[] = [];
    try {
      tabs.add('tab-1', 'lock-1', first.port2, () => released.push('first'));
      tabs.add('tab-1', 'lock-1', second.port2, () => released.push('second'));
      assert.deepEqual(released, ['first']);
      tabs.remove('lock-1', false);
      assert.deepEqual(released, ['first', 'second']);
      assert.equal(tabs.isLive('tab-1'), false);
      assert.ok(changes >= 3);
    } finally {
      for (const channel of [first, second]) channel.port1.close();
      first.port2.close();
    }
  });
});
