// How Janus answered a plugin request, kept whole from the session to a tab (what janus.js apps
// rely on): a synchronous `success` with data (streaming `list`), an `ack` + `event`, the event
// left to flow in order on the tab's port, plugin errors with their data (videoroom 426), `info`.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import WebSocket from 'ws';
import type { TabEvent } from '../src/bridge/api.js';
import { checkConfig, resolveServers } from '../src/bridge/config.js';
import { deserializeError, serializeError } from '../src/bridge/errors.js';
import { InvalidArgumentError, JanusError, JanusSession, PluginError, type WebSocketConstructor } from '../src/janus/index.js';
import { Keeper } from '../src/worker/keeper.js';
import { memoryStore } from '../src/worker/record/store.js';
import { nodeOptions, quietLogger, serverUrl, TRANSPORTS, useJanus, waitFor } from './helpers.js';

const NO_SUCH_ROOM = 426; // videoroom's JANUS_VIDEOROOM_ERROR_NO_SUCH_ROOM

for (const kind of TRANSPORTS) {
  describe(`plugin answers over ${kind} against a real Janus`, () => {
    const janus = useJanus();

    it('streaming list is a synchronous success with the mountpoints as data', async () => {
      const session = await JanusSession.create(nodeOptions(serverUrl(janus(), kind), { token: null, apiSecret: null }));
      try {
        const handle = await session.attach('janus.plugin.streaming');
        const answer = await handle.message({ request: 'list' });
        assert.equal(answer.answer, 'success');
        const ids = (answer.data['list'] as Array<{ id: number }>).map((mountpoint) => mountpoint.id).sort();
        assert.deepEqual(ids, [2, 3], 'the config\'s two file mountpoints');
      } finally {
        await session.destroy();
      }
    });

    it('an ack + event resolves with the event, or at the ack with the event emitted in order', async () => {
      const session = await JanusSession.create(nodeOptions(serverUrl(janus(), kind)));
      try {
        const handle = await session.attach('janus.plugin.echotest');
        assert.equal((await handle.message({ audio: true })).answer, 'event');
        const events: string[] = [];
        handle.on('event', (event) => events.push(`${event.answer}:${String(event.data['result'])}`));
        const acked = await handle.message({ audio: false }, undefined, { awaitEvent: false });
        assert.equal(acked.answer, 'ack');
        assert.deepEqual(acked.data, {});
        await waitFor('the event after the ack', () => events.length === 1 || undefined);
        assert.deepEqual(events, ['event:ok']);
      } finally {
        await session.destroy();
      }
    });

    it('a plugin error is a PluginError with the plugin\'s data, not a core JanusError', async () => {
      const session = await JanusSession.create(nodeOptions(serverUrl(janus(), kind)));
      try {
        const handle = await session.attach('janus.plugin.videoroom');
        const error = await handle.message({ request: 'join', room: 987_654_321, ptype: 'publisher' }).then(
          () => assert.fail('joined a room that does not exist'), (thrown: unknown) => thrown);
        assert.ok(error instanceof PluginError, String(error));
        assert.ok(!(error instanceof JanusError));
        assert.equal(error.code, NO_SUCH_ROOM);
        assert.equal(error.plugin, 'janus.plugin.videoroom');
        assert.equal(error.answer, 'event');
        assert.equal(error.data['error_code'], NO_SUCH_ROOM);
        assert.equal(error.data['videoroom'], 'event');
        assert.equal(typeof error.data['error'], 'string');
      } finally {
        await session.destroy();
      }
    });

    it('info() is Janus\'s server_info', async () => {
      const session = await JanusSession.create(nodeOptions(serverUrl(janus(), kind)));
      try {
        const info = await session.info();
        assert.equal(info['janus'], 'server_info');
        assert.equal(info['transaction'], undefined);
        assert.ok('janus.plugin.videoroom' in (info['plugins'] as object));
      } finally {
        await session.destroy();
      }
    });
  });
}

describe('the keeper tells a tab how Janus answered', () => {
  const janus = useJanus();

  it('success / event / ack, the ack\'s event on the tab\'s port, a PluginError, and info', async () => {
    const keeper = new Keeper({ config: { server: janus().wsUrl, token: null }, store: memoryStore(), liveness: () => {},
      logger: quietLogger(), WebSocket: WebSocket as unknown as WebSocketConstructor });
    const events: TabEvent[] = [];
    keeper.tabs.add('tab', 'lock', { postMessage: (event: TabEvent) => void events.push(event), close() {} } as unknown as MessagePort);
    try {
      await keeper.create();
      const streaming = await keeper.attach('tab', 'janus.plugin.streaming');
      assert.equal((await keeper.message('tab', streaming.handleId, { request: 'list' })).answer, 'success');
      const echo = await keeper.attach('tab', 'janus.plugin.echotest');
      assert.deepEqual(await keeper.message('tab', echo.handleId, { audio: true }), { answer: 'event', data: { echotest: 'event', result: 'ok' } });
      await assert.rejects(keeper.message('tab', echo.handleId, { audio: true }, undefined, { awaitEvent: 'no' } as never),
        InvalidArgumentError, 'a bad option is refused before any I/O');
      assert.deepEqual(await keeper.message('tab', echo.handleId, { audio: true }, undefined, { awaitEvent: false }),
        { answer: 'ack', data: {} });
      await waitFor('the event on the port', () => events.some((event) => event.type === 'event' && event.handleId === echo.handleId) || undefined);
      const room = await keeper.attach('tab', 'janus.plugin.videoroom');
      const error = await keeper.message('tab', room.handleId, { request: 'join', room: 987_654_321, ptype: 'publisher' })
        .catch((thrown: unknown) => thrown);
      assert.ok(error instanceof PluginError && error.code === NO_SUCH_ROOM, String(error));
      assert.equal(((await keeper.info())['plugins'] as Record<string, unknown>)['janus.plugin.echotest'] !== undefined, true);
    } finally {
      await keeper.destroy();
    }
  });
});

describe('a PluginError across the page <-> worker boundary', () => {
  it('keeps its class, code, reason, data, plugin and answer through structured clone', () => {
    const original = new PluginError(426, 'No such room (987654321)', { videoroom: 'event', error_code: 426, error: 'No such room' },
      'janus.plugin.videoroom', 'event');
    const copy = deserializeError(structuredClone(serializeError(original)!));
    assert.ok(copy instanceof PluginError);
    for (const field of ['name', 'message', 'code', 'reason', 'data', 'plugin', 'answer'] as const) {
      assert.deepEqual(copy[field], original[field], field);
    }
  });
});

describe('page config: relative servers and null credentials', () => {
  it('resolves /janus and /ws against the page, ws when asked, and leaves absolute URLs alone', () => {
    const page = 'https://app.example/room/index.html';
    assert.equal(resolveServers('/janus', page), 'https://app.example/janus');
    assert.equal(resolveServers('/ws', page, 'ws'), 'wss://app.example/ws');
    assert.equal(resolveServers('janus', 'http://127.0.0.1:8080/demos/echotest.html'), 'http://127.0.0.1:8080/demos/janus');
    assert.deepEqual(resolveServers(['ws://janus.example/ws', '/janus'], page), ['ws://janus.example/ws', 'https://app.example/janus']);
    assert.equal(resolveServers('/janus', undefined), '/janus', 'no page: left for checkConfig to refuse');
    for (const bad of ['not a url', 'ftp://janus.example/', 'javascript:alert(1)', '']) {
      assert.equal(resolveServers(bad, page), bad, `${JSON.stringify(bad)}: left for checkConfig to refuse`);
    }
  });

  it('a null token or API secret means none', () => {
    assert.deepEqual(checkConfig({ server: 'ws://127.0.0.1:1/', token: null, apiSecret: null }), { server: 'ws://127.0.0.1:1/' });
  });
});
