// An attach that times out on a link that stalls (the fault proxy's blackhole: sockets kept, bytes
// held) reaches Janus once the link flows again, and Janus answers it late on the same socket: the
// handle it made is known to no caller. The session detaches it at once. Real Janus; no sleep: the
// test waits for the session's `late-handle` event and asks the admin API.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startFaultProxy } from '../e2e/fixtures/fault-proxy.js';
import { JanusSession, TimeoutError } from '../src/janus/index.js';
import { nodeOptions, useJanus, waitFor } from './helpers.js';

describe('an attach answered after its deadline (WebSocket, real Janus)', () => {
  const janus = useJanus({ sessionTimeout: 30, reclaimTimeout: 5 });

  it('the handle Janus made for it is detached as soon as the late answer comes', async () => {
    const proxy = await startFaultProxy(janus().ports.ws);
    // A keepalive period longer than the test: nothing but the attach crosses the stalled link.
    const session = await JanusSession.create(nodeOptions(proxy.via(janus().wsUrl), { requestTimeoutMs: 300, keepAliveMs: 60_000 }));
    const late: number[] = [];
    session.on('late-handle', (handleId) => void late.push(handleId));
    try {
      proxy.setMode('blackhole');
      await assert.rejects(session.attach('janus.plugin.echotest'), TimeoutError);
      proxy.setMode('pass'); // the held attach reaches Janus; its answer comes back on the same socket
      const [handleId] = await waitFor('the late answer', () => (late.length > 0 ? late : undefined), 10_000, 20);
      assert.ok(!(await janus().listHandles(session.id)).includes(handleId!), 'the orphan handle is gone from Janus');
      assert.deepEqual(await janus().listHandles(session.id), []);
      const fresh = await session.attach('janus.plugin.echotest'); // the session goes on
      assert.deepEqual(await janus().listHandles(session.id), [fresh.id]);
    } finally {
      await session.destroy().catch(() => {});
      await proxy.close();
    }
  });
});
