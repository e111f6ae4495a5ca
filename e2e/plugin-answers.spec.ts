// How Janus answered, across the real page <-> SharedWorker boundary (test/plugin-answers.test.ts
// has the same against the session and the keeper in Node): a synchronous success, an ack whose
// event then comes on the tab's port, a plugin error as PluginError with its data, info().
import { expect, openKeeperPage, test } from './fixtures/test.js';

test('message() answers, PluginError with its data and info() reach the page', async ({ page, janus, site }) => {
  await openKeeperPage(page, site, { server: janus.wsUrl });
  const seen = await page.evaluate(async () => {
    const { keeper, lib } = window as any;
    await keeper.create();
    const streaming = await keeper.attach('janus.plugin.streaming');
    const list = await keeper.message(streaming.handleId, { request: 'list' });
    const echo = await keeper.attach('janus.plugin.echotest');
    const eventCame = new Promise((resolve) => keeper.on('event', (event: any) => event.handleId === echo.handleId && resolve(event.data)));
    const acked = await keeper.message(echo.handleId, { audio: true }, undefined, { awaitEvent: false });
    const room = await keeper.attach('janus.plugin.videoroom');
    const error = await keeper.message(room.handleId, { request: 'join', room: 987654321, ptype: 'publisher' })
      .catch((thrown: any) => thrown);
    const info = await keeper.info();
    return {
      list: { answer: list.answer, ids: list.data.list.map((mountpoint: any) => mountpoint.id).sort() },
      acked,
      event: await eventCame,
      error: { pluginError: error instanceof lib.PluginError, janusError: error instanceof lib.JanusError, name: error.name,
        code: error.code, answer: error.answer, plugin: error.plugin, data: error.data },
      info: { janus: info.janus, plugins: Object.keys(info.plugins) },
    };
  });
  expect(seen.list).toEqual({ answer: 'success', ids: [2, 3] });
  expect(seen.acked).toEqual({ answer: 'ack', data: {} });
  expect(seen.event).toEqual({ echotest: 'event', result: 'ok' });
  expect(seen.error).toMatchObject({ pluginError: true, janusError: false, name: 'PluginError', code: 426, answer: 'event',
    plugin: 'janus.plugin.videoroom', data: { videoroom: 'event', error_code: 426 } });
  expect(seen.info.janus).toBe('server_info');
  expect(seen.info.plugins).toContain('janus.plugin.recordplay');
});
