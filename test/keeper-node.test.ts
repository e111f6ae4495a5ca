// The keeper runs in Node too (no tabs, no IndexedDB): the same code, against a real Janus.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { JanusSession } from '../src/janus/index.js';
import { Keeper } from '../src/worker/keeper.js';
import { memoryStore, STORE_VERSION } from '../src/worker/record/store.js';
import { nodeOptions, quietLogger, serverUrl, TRANSPORTS, useJanus } from './helpers.js';

for (const kind of TRANSPORTS) {
  describe(`the keeper in Node over ${kind}`, () => {
    const janus = useJanus({ sessionTimeout: 60, reclaimTimeout: 30 });
    const keeperFor = (server: string, store = memoryStore()) => new Keeper({
      config: { server }, store, liveness: () => {}, logger: quietLogger(), WebSocket: nodeOptions(server).WebSocket!,
    });

    it('claims a fresh stored record', async () => {
      const server = serverUrl(janus(), kind);
      const live = await JanusSession.create(nodeOptions(server));
      live.close();
      const store = memoryStore();
      await store.save({ version: STORE_VERSION, server, sessionId: live.id, handles: [], savedAt: Date.now(), expiresAfterMs: 30_000 });
      const keeper = keeperFor(server, store);
      assert.deepEqual(await keeper.create(), { sessionId: live.id, reclaimed: true });
      await keeper.destroy();
    });

    it('a scoped keeper claims its own stored record, and a keeper of another scope never sees it', async () => {
      const server = serverUrl(janus(), kind);
      const store = memoryStore();
      const scoped = (scope: string) => new Keeper({ config: { server, scope }, store, liveness: () => {}, logger: quietLogger(),
        WebSocket: nodeOptions(server).WebSocket!, standalone: true });
      const alice = scoped('alice');
      const first = await alice.create();
      alice.handOver('the page went');
      const again = scoped('alice');
      assert.deepEqual(await again.create(), { sessionId: first.sessionId, reclaimed: true });
      const bob = scoped('bob');
      const other = await bob.create();
      assert.equal(other.reclaimed, false);
      assert.notEqual(other.sessionId, first.sessionId);
      await again.destroy();
      await bob.destroy();
    });

    it('does not claim a record older than its reclaim window, even if Janus still had it', async () => {
      const server = serverUrl(janus(), kind);
      const live = await JanusSession.create(nodeOptions(server));
      live.close();
      const store = memoryStore();
      await store.save({ version: STORE_VERSION, server, sessionId: live.id, handles: [],
        savedAt: Date.now() - 60_000, expiresAfterMs: 30_000 });
      const keeper = keeperFor(server, store);
      const result = await keeper.create();
      assert.equal(result.reclaimed, false);
      assert.notEqual(result.sessionId, live.id);
      assert.equal(keeper.snapshot().stats.claims, 0);
      assert.equal((await store.load(server))?.sessionId, result.sessionId);
      await keeper.destroy();
      assert.equal(await store.load(server), undefined, 'destroy clears the record');
    });
  });
}

describe('the keeper in Node with autoRecreate', () => {
  const janus = useJanus({ sessionTimeout: 60, reclaimTimeout: 30 });

  it('creates a new session and fires restore when Janus restarted (standalone: no tabs)', async () => {
    const server = janus().wsUrl;
    const keeper = new Keeper({ config: { server, autoRecreate: true, backoff: { baseMs: 200 } }, store: memoryStore(),
      standalone: true, liveness: () => {}, logger: quietLogger(), WebSocket: nodeOptions(server).WebSocket! });
    const { sessionId } = await keeper.create();
    await keeper.attach('node', 'janus.plugin.echotest');
    const restored = new Promise<{ sessionId: number }>((resolve) => keeper.on('restore', resolve));
    await janus().restart('SIGKILL');
    const { sessionId: newId } = await restored;
    assert.notEqual(newId, sessionId);
    assert.equal(keeper.state, 'ready');
    await keeper.attach('node', 'janus.plugin.echotest');
    await keeper.destroy();
  });
});
