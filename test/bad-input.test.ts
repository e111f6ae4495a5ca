// Every public call with bad arguments: a typed error with a clear message, before any I/O, and
// stored state left as it was. Table-driven, against a real Janus (so a request, if one were
// wrongly sent, would really go out and be counted).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import WebSocket from 'ws';
import { checkConfig } from '../src/bridge/config.js';
import {
  InvalidArgumentError,
  JanusSession,
  SessionReclaimException,
  type FetchLike,
  type JanusSessionOptions,
  type WebSocketConstructor,
} from '../src/janus/index.js';
import { Keeper } from '../src/worker/keeper.js';
import { memoryStore, STORE_VERSION } from '../src/worker/record/store.js';
import { quietLogger, serverUrl, TRANSPORTS, useJanus } from './helpers.js';

export const BAD_IDS: unknown[] = [0, -1, 1.5, NaN, Infinity, -Infinity, 2 ** 53 + 2, '12', 'abc', {}, [], null, true];
const BAD_SERVERS: unknown[] = [undefined, null, 42, '', 'ftp://x', 'ws://', 'http//x', 'not a url', {}, ['ws://a']];
const BAD_PLUGINS: unknown[] = ['', 42, null, {}, ['janus.plugin.echotest']];
const BAD_BODIES: unknown[] = [null, 'x', 42, [], true];
const BAD_JSEPS: unknown[] = ['sdp', 42, { type: 'bogus' }, { type: 'offer', sdp: 5 }, []];
const BAD_CANDIDATES: unknown[] = [42, 'x', [1], [null]];

/** A WebSocket and a fetch that count what they would put on the wire. */
function countingIo() {
  const io = { sockets: 0, frames: 0, fetches: 0 };
  const Real = WebSocket as unknown as WebSocketConstructor;
  const CountingWebSocket = function (url: string, protocols?: string | string[]) {
    io.sockets++;
    const socket = new Real(url, protocols);
    const send = socket.send.bind(socket);
    socket.send = (data: string) => {
      io.frames++;
      send(data);
    };
    return socket;
  } as unknown as WebSocketConstructor;
  const countingFetch: FetchLike = (...args) => {
    io.fetches++;
    return fetch(...args);
  };
  return { io, WebSocket: CountingWebSocket, fetch: countingFetch };
}

for (const kind of TRANSPORTS) {
  describe(`bad input over ${kind}: typed errors before any I/O`, () => {
    const janus = useJanus({ sessionTimeout: 30, reclaimTimeout: 10 });

    it('JanusSession.create rejects bad ids, servers, transports and timeouts', async () => {
      const { io, WebSocket: Ws, fetch: f } = countingIo();
      const base = { server: serverUrl(janus(), kind), WebSocket: Ws, fetch: f, logger: quietLogger() };
      let tried = 0;
      for (const sessionId of BAD_IDS) {
        tried++;
        await assert.rejects(JanusSession.create({ ...base, sessionId: sessionId as number }),
          (e: unknown) => e instanceof SessionReclaimException && e.code === 458 && /positive safe integer/.test(e.message));
      }
      const badOptions: Array<Partial<Record<keyof JanusSessionOptions, unknown>>> = [
        ...BAD_SERVERS.map((server) => ({ server })),
        { transport: 'tcp' }, { transport: kind === 'ws' ? 'http' : 'ws' }, { transport: 42 },
        { keepAliveMs: 0 }, { keepAliveMs: -1 }, { keepAliveMs: NaN }, { keepAliveMs: '10' },
        { requestTimeoutMs: Infinity }, { keepAliveTimeoutMs: 2 ** 40 }, { token: '' }, { token: 42 }, { apiSecret: {} },
      ];
      for (const bad of badOptions) {
        tried++;
        await assert.rejects(JanusSession.create({ ...base, ...bad } as JanusSessionOptions), InvalidArgumentError,
          JSON.stringify(bad));
      }
      await assert.rejects(JanusSession.create(null as unknown as JanusSessionOptions), InvalidArgumentError);
      assert.deepEqual(io, { sockets: 0, frames: 0, fetches: 0 });
      assert.ok(tried > 30);
    });

    it('attach, message and trickle reject bad arguments without sending', async () => {
      const { io, WebSocket: Ws, fetch: f } = countingIo();
      const session = await JanusSession.create({ server: serverUrl(janus(), kind), WebSocket: Ws, fetch: f,
        logger: quietLogger(), keepAliveMs: 60_000 });
      try {
        const handle = await session.attach('janus.plugin.echotest');
        const before = { ...io };
        for (const plugin of BAD_PLUGINS) await assert.rejects(session.attach(plugin as string), InvalidArgumentError);
        for (const handleId of BAD_IDS) {
          await assert.rejects(session.attach('janus.plugin.echotest', { handleId: handleId as number }), InvalidArgumentError);
        }
        await assert.rejects(session.attach('janus.plugin.echotest', { opaqueId: '' }), InvalidArgumentError);
        for (const body of BAD_BODIES) await assert.rejects(handle.message(body as Record<string, unknown>), InvalidArgumentError);
        for (const jsep of BAD_JSEPS) await assert.rejects(handle.message({}, jsep as never), InvalidArgumentError);
        for (const candidate of BAD_CANDIDATES) await assert.rejects(handle.trickle(candidate as never), InvalidArgumentError);
        assert.deepEqual(io, before, 'nothing went on the wire');
        assert.equal((await handle.message({ audio: true })).data['result'], 'ok', 'the session still works');
      } finally {
        await session.destroy();
      }
    });

    it('the keeper rejects bad ids, plugins, bodies and configs, and its stored record stays as it was', async () => {
      const { io, WebSocket: Ws, fetch: f } = countingIo();
      const server = serverUrl(janus(), kind);
      const store = memoryStore();
      const keeper = new Keeper({ config: { server }, store, WebSocket: Ws, fetch: f, liveness: () => {}, logger: quietLogger() });
      const { sessionId } = await keeper.create();
      const { handleId } = await keeper.attach('tab', 'janus.plugin.echotest');
      const record = await store.load(server);
      assert.equal(record?.version, STORE_VERSION);
      const before = { ...io };
      for (const id of BAD_IDS) {
        await assert.rejects(keeper.create(id as number), SessionReclaimException);
        await assert.rejects(keeper.attach('tab', 'janus.plugin.echotest', { handleId: id as number }), InvalidArgumentError);
        await assert.rejects(keeper.message('tab', id as number, {}), InvalidArgumentError);
      }
      for (const plugin of BAD_PLUGINS) await assert.rejects(keeper.attach('tab', plugin as string), InvalidArgumentError);
      for (const body of BAD_BODIES) await assert.rejects(keeper.message('tab', handleId, body as never), InvalidArgumentError);
      for (const jsep of BAD_JSEPS) await assert.rejects(keeper.message('tab', handleId, {}, jsep as never), InvalidArgumentError);
      await assert.rejects(keeper.message('another-tab', handleId, {}), InvalidArgumentError, 'handles belong to their tab');
      assert.deepEqual(io, before, 'nothing went on the wire');
      assert.deepEqual(await store.load(server), { ...record, savedAt: (await store.load(server))!.savedAt });
      assert.equal(keeper.snapshot().sessionId, sessionId);

      const badConfigs: unknown[] = [null, 'ws://x', {}, { server: 'ftp://x' }, { server, transport: 'smoke' },
        { server, autoRecreate: 'yes' }, { server, backoff: { capMs: -1 } }, { server, backoff: 5 },
        { server, maxAttemptsPerMinute: 0 }, { server, maxAttemptsPerMinute: 1.5 }, { server, keepAliveMs: NaN },
        // Several servers: an empty list, non-strings, malformed URLs, repeats, a transport that does not fit every URL.
        { server: [] }, { server: [42] }, { server: [server, null] }, { server: [server, 'not a url'] },
        { server: [server, 'ftp://x'] }, { server: [server, server] }, { server: [[server]] },
        { server: [janus().wsUrl, janus().httpUrl], transport: kind }, { server: [server], transport: 'smoke' }];
      for (const config of badConfigs) assert.throws(() => checkConfig(config), InvalidArgumentError, JSON.stringify(config));
      const ioBefore = { ...io };
      for (const config of badConfigs) {
        assert.throws(() => new Keeper({ config: config as never, store, WebSocket: Ws, fetch: f, liveness: () => {} }),
          InvalidArgumentError, `new Keeper: ${JSON.stringify(config)}`);
      }
      assert.deepEqual(io, ioBefore, 'a keeper with a bad config put nothing on the wire');
      await keeper.destroy();
    });
  });
}
