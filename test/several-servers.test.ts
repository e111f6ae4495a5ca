// A keeper with a list of servers, against two real Janus instances: a session is created on the
// first server that answers, claimed again on that server only, and moves on to the next server
// only once its owner refused the claim or its session timeout passed.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { startFaultProxy } from '../e2e/fixtures/fault-proxy.js';
import { startJanus, type JanusLaunchOptions, type RunningJanus } from '../e2e/fixtures/janus-launcher.js';
import type { HandleInfo, KeeperConfig } from '../src/bridge/api.js';
import { checkConfig, keeperKey } from '../src/bridge/config.js';
import { InvalidArgumentError, JanusSession, type WebSocketConstructor } from '../src/janus/index.js';
import { Keeper } from '../src/worker/keeper.js';
import { creationOrder } from '../src/worker/servers/servers.js';
import { memoryStore, parseStoredSession, STORE_VERSION, type SessionStore } from '../src/worker/record/store.js';
import { nodeOptions, quietLogger, unusedPort, waitFor } from './helpers.js';

const Ws = WebSocket as unknown as WebSocketConstructor;
const ECHO = 'janus.plugin.echotest';

/** Two real Janus instances, A and B, for the enclosing suite. */
function useTwoJanus(options: JanusLaunchOptions): () => { a: RunningJanus; b: RunningJanus } {
  let pair: { a: RunningJanus; b: RunningJanus } | undefined;
  before(async () => {
    const [a, b] = await Promise.all([startJanus(options), startJanus(options)]);
    pair = { a, b };
  });
  after(async () => {
    await Promise.all([pair?.a.stop(), pair?.b.stop()]);
  });
  return () => {
    if (!pair) throw new Error('Janus is not running yet');
    return pair;
  };
}

function keeperFor(server: string | string[], extra: Partial<KeeperConfig> = {}, store: SessionStore = memoryStore()) {
  const logger = quietLogger();
  const keeper = new Keeper({ config: { server, ...extra }, store, standalone: true, liveness: () => {}, logger, WebSocket: Ws });
  return { keeper, store, logger };
}

/**
 * Janus's sessions by its admin API, retried: right after start-up (or under load) the admin port
 * may answer with an empty body once, as the launcher only waits for the public API.
 */
function sessionsOf(janus: RunningJanus): Promise<number[]> {
  return waitFor('the admin API', () => janus.listSessions().catch(() => undefined), 10_000);
}

/** Sessions on `janus` that were not there at `baseline`. */
async function newSessions(janus: RunningJanus, baseline: number[]): Promise<number[]> {
  return (await sessionsOf(janus)).filter((id) => !baseline.includes(id));
}

describe('creationOrder', () => {
  it('is the list order; after a loss it starts after the losing server and tries it last', () => {
    assert.deepEqual(creationOrder(['a', 'b', 'c']), ['a', 'b', 'c']);
    assert.deepEqual(creationOrder(['a', 'b', 'c'], 'a'), ['b', 'c', 'a']);
    assert.deepEqual(creationOrder(['a', 'b', 'c'], 'c'), ['a', 'b', 'c']);
    assert.deepEqual(creationOrder(['a', 'b', 'c'], 'elsewhere'), ['a', 'b', 'c']);
    assert.deepEqual(creationOrder(['a'], 'a'), ['a']);
  });
});

describe('several servers: bad lists fail before any I/O', () => {
  it('rejects empty lists, non-strings, malformed URLs, repeats and a transport that does not fit every URL', () => {
    const ws = 'ws://127.0.0.1:8188';
    const http = 'http://127.0.0.1:8088/janus';
    const bad: unknown[] = [[], [42], [ws, null], [ws, 'not a url'], [ws, 'ftp://x'], [ws, ''], [ws, ws], [[ws]],
      Array.from({ length: 17 }, (_, i) => `ws://127.0.0.1:${1000 + i}`)];
    for (const server of bad) {
      assert.throws(() => checkConfig({ server }), InvalidArgumentError, JSON.stringify(server));
      assert.throws(() => new Keeper({ config: { server } as KeeperConfig, store: memoryStore(), liveness: () => {} }),
        InvalidArgumentError, JSON.stringify(server));
    }
    assert.throws(() => checkConfig({ server: [ws, http], transport: 'ws' }), /server\[1\].*transport/);
    assert.deepEqual(checkConfig({ server: [http, ws] }).server, [http, ws], 'no transport: each URL by its scheme');
    assert.deepEqual(checkConfig({ server: [ws, 'wss://example.com/ws'], transport: 'ws' }).server, [ws, 'wss://example.com/ws']);
    assert.equal(keeperKey({ server: ws }), ws);
    assert.equal(keeperKey({ server: [ws] }), ws, 'a one-entry list is the same keeper as the URL');
    assert.notEqual(keeperKey({ server: [ws, http] }), keeperKey({ server: [http, ws] }), 'the order is part of the identity');
  });
});

describe('the stored record of a list', () => {
  it('keeps a valid ownerServer and fails validation on a bad one', () => {
    const key = keeperKey({ server: ['ws://127.0.0.1:1', 'ws://127.0.0.1:2'] });
    const record = { version: STORE_VERSION, server: key, sessionId: 7, handles: [], savedAt: 1 };
    assert.equal(parseStoredSession({ ...record, ownerServer: 'ws://127.0.0.1:2' }, key)?.ownerServer, 'ws://127.0.0.1:2');
    assert.equal(parseStoredSession(record, key)?.ownerServer, undefined);
    for (const ownerServer of [42, '', null, ['ws://127.0.0.1:2']]) {
      assert.equal(parseStoredSession({ ...record, ownerServer }, key), undefined, JSON.stringify(ownerServer));
    }
  });
});

describe('several servers: a session stays with the server that owns it', () => {
  const janus = useTwoJanus({ sessionTimeout: 60, reclaimTimeout: 30 });

  it('a 3 s outage of the owner A: claimed on A again, and no session is ever created on B', async () => {
    const { a, b } = janus();
    const baselineB = await sessionsOf(b);
    const proxy = await startFaultProxy(a.ports.ws);
    const viaA = proxy.via(a.wsUrl);
    const { keeper } = keeperFor([viaA, b.wsUrl], { backoff: { baseMs: 300, capMs: 600 } });
    try {
      const { sessionId } = await keeper.create();
      assert.equal(keeper.snapshot().server, viaA);
      assert.deepEqual(keeper.snapshot().servers, [viaA, b.wsUrl]);
      const { handleId } = await keeper.attach('node', ECHO);

      proxy.setMode('refuse');
      proxy.reset();
      await waitFor('reconnecting', () => keeper.state === 'reconnecting');
      const outageEnds = Date.now() + 3_000;
      while (Date.now() < outageEnds) {
        assert.deepEqual(await newSessions(b, baselineB), [], 'nothing created on B during the outage');
        assert.equal(keeper.snapshot().server, viaA, 'A still owns the session while it is away');
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      proxy.setMode('pass');

      await waitFor('claimed on A again', () => keeper.state === 'ready', 30_000);
      const state = keeper.snapshot();
      assert.equal(state.sessionId, sessionId);
      assert.equal(state.server, viaA);
      assert.ok(state.stats.claims >= 1);
      assert.equal(state.stats.creates, 1);
      assert.ok((await sessionsOf(a)).includes(sessionId));
      assert.deepEqual(await newSessions(b, baselineB), [], 'B never got a session');
      assert.equal((await keeper.message('node', handleId, { audio: true })).data['result'], 'ok', 'the handle survived');
    } finally {
      await keeper.destroy();
      await proxy.close();
    }
  });

  for (const owner of ['a', 'b'] as const) {
    it(`a stored record owned by ${owner.toUpperCase()} is claimed there, with no create on the other`, async () => {
      const pair = janus();
      const [home, other] = owner === 'a' ? [pair.a, pair.b] : [pair.b, pair.a];
      const servers = [pair.a.wsUrl, pair.b.wsUrl];
      const live = await JanusSession.create(nodeOptions(home.wsUrl));
      live.close();
      const baseline = await sessionsOf(other);
      const store = memoryStore();
      await store.save({ version: STORE_VERSION, server: keeperKey({ server: servers }), ownerServer: home.wsUrl,
        sessionId: live.id, handles: [], savedAt: Date.now(), expiresAfterMs: 30_000 });
      const { keeper } = keeperFor(servers, {}, store);
      try {
        assert.deepEqual(await keeper.create(), { sessionId: live.id, reclaimed: true });
        assert.equal(keeper.snapshot().server, home.wsUrl);
        assert.deepEqual({ creates: keeper.snapshot().stats.creates, connections: keeper.snapshot().stats.connections },
          { creates: 0, connections: 1 });
        assert.deepEqual(await newSessions(other, baseline), []);
        assert.equal((await store.load(keeper.key))?.ownerServer, home.wsUrl);
      } finally {
        await keeper.destroy();
      }
    });
  }

  it('a stored record whose owner is not in the list is discarded: a new session on the first server', async () => {
    const { a, b } = janus();
    const servers = [a.wsUrl, b.wsUrl];
    const store = memoryStore();
    const stranger = `ws://127.0.0.1:${await unusedPort()}`;
    await store.save({ version: STORE_VERSION, server: keeperKey({ server: servers }), ownerServer: stranger,
      sessionId: 4242, handles: [], savedAt: Date.now(), expiresAfterMs: 30_000 });
    const { keeper, logger } = keeperFor(servers, {}, store);
    try {
      const result = await keeper.create();
      assert.equal(result.reclaimed, false);
      assert.equal(keeper.snapshot().stats.claims, 0, 'no claim anywhere');
      assert.equal(keeper.snapshot().server, a.wsUrl);
      assert.match(logger.warnings.join('\n'), /not in the list: discarded/);
      const record = await store.load(keeper.key);
      assert.deepEqual([record?.sessionId, record?.ownerServer], [result.sessionId, a.wsUrl]);
    } finally {
      await keeper.destroy();
    }
  });

  it('the owner refuses the claim (458): session-lost, a new session on the next server, restore per handle', async () => {
    const { a, b } = janus();
    const servers = [a.wsUrl, b.wsUrl];
    const store = memoryStore();
    await store.save({ version: STORE_VERSION, server: keeperKey({ server: servers }), ownerServer: a.wsUrl,
      sessionId: 987_654_321, handles: [{ handleId: 55, plugin: ECHO, owner: 'node' }], savedAt: Date.now(),
      expiresAfterMs: 30_000 });
    const { keeper } = keeperFor(servers, { autoRecreate: true }, store);
    const lost: { code?: number }[] = [];
    const restored: { handle: HandleInfo; sessionId: number }[] = [];
    keeper.on('session-lost', (event) => lost.push(event));
    keeper.on('restore', (event) => restored.push(event));
    try {
      const { sessionId, reclaimed } = await keeper.create();
      assert.equal(reclaimed, false);
      assert.equal(lost[0]?.code, 458);
      assert.equal(keeper.snapshot().server, b.wsUrl, 'created after the refusing owner, on B');
      assert.ok((await sessionsOf(b)).includes(sessionId));
      assert.deepEqual(restored.map((event) => [event.handle.handleId, event.sessionId]), [[55, sessionId]]);
    } finally {
      await keeper.destroy();
    }
  });

  it('[a WebSocket URL that refuses, an HTTP URL that works]: the session lives on HTTP', async () => {
    const { a } = janus();
    const refusing = `ws://127.0.0.1:${await unusedPort()}`;
    const { keeper, store } = keeperFor([refusing, a.httpUrl]);
    try {
      const { sessionId } = await keeper.create();
      const state = keeper.snapshot();
      assert.deepEqual([state.server, state.transport], [a.httpUrl, 'http']);
      assert.ok((await sessionsOf(a)).includes(sessionId));
      assert.equal((await store.load(keeper.key))?.ownerServer, a.httpUrl);
      const { handleId } = await keeper.attach('node', ECHO);
      assert.equal((await keeper.message('node', handleId, { audio: true })).data['result'], 'ok');
    } finally {
      await keeper.destroy();
    }
  });

  it('a single URL keeps the record format of one server, and a one-entry list claims such a record', async () => {
    const { a } = janus();
    const { keeper, store } = keeperFor(a.wsUrl);
    try {
      await keeper.create();
      const record = await store.load(a.wsUrl);
      assert.equal(record?.server, a.wsUrl);
      assert.equal(record && 'ownerServer' in record, false);
      assert.deepEqual(keeper.snapshot().servers, [a.wsUrl]);
    } finally {
      await keeper.destroy();
    }
    // A record exactly as a keeper of one server wrote it before lists existed.
    const live = await JanusSession.create(nodeOptions(a.wsUrl));
    live.close();
    const old = memoryStore();
    await old.save({ version: STORE_VERSION, server: a.wsUrl, sessionId: live.id, handles: [], savedAt: Date.now(),
      expiresAfterMs: 30_000 });
    const listed = keeperFor([a.wsUrl], {}, old).keeper;
    try {
      assert.deepEqual(await listed.create(), { sessionId: live.id, reclaimed: true });
    } finally {
      await listed.destroy();
    }
  });
});

describe('several servers: the owner is gone for good', () => {
  const janus = useTwoJanus({ sessionTimeout: 10, reclaimTimeout: 3 });

  it('after its session timeout: session-lost, a new session on B, and the restore hook re-attaches echotest', async () => {
    const { a, b } = janus();
    const baselineB = await sessionsOf(b);
    // (Claims go on until the session timeout: a backoff that spares the per-minute attempt limit for the create.)
    const { keeper } = keeperFor([a.wsUrl, b.wsUrl], { autoRecreate: true, backoff: { baseMs: 300, capMs: 2_000 } });
    const log: string[] = [];
    const answers: unknown[] = [];
    keeper.on('state', (state) => log.push(`${state.state}@${state.server}`));
    keeper.on('session-lost', (event) => log.push(`session-lost ${event.code}`));
    keeper.on('restore', ({ handle, owner }) => {
      void keeper.attach(owner, handle.plugin)
        .then(({ handleId }) => keeper.message(owner, handleId, { audio: true }))
        .then((answer) => answers.push(answer.data['result']), (error) => answers.push(error));
    });
    try {
      await keeper.create();
      const { handleId } = await keeper.attach('node', ECHO);
      assert.equal((await keeper.message('node', handleId, { audio: true })).data['result'], 'ok');

      await a.stop();
      await waitFor('the restored handle answers', () => answers.length > 0, 40_000);
      assert.deepEqual(answers, ['ok']);
      const state = keeper.snapshot();
      assert.deepEqual([state.state, state.server], ['ready', b.wsUrl]);
      assert.deepEqual(await newSessions(b, baselineB), [state.sessionId]);
      const lostAt = log.findIndex((entry) => entry.startsWith('session-lost'));
      assert.ok(lostAt >= 0, log.join('\n'));
      assert.equal(log.slice(0, lostAt).some((entry) => entry.endsWith(`@${b.wsUrl}`) && entry.startsWith('ready')), false,
        'nothing on B before the session was lost');
      assert.ok(log.slice(0, lostAt).some((entry) => entry.startsWith('reconnecting')), 'claims were tried on A first');
    } finally {
      await keeper.destroy();
    }
  });
});
