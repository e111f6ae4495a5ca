// Janus configured with an API secret, and with token auth: the right credential works over both
// transports, a wrong one is a JanusError 403 that is not retried, and no message carries it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { JanusError, JanusSession } from '../src/janus/index.js';
import { Keeper } from '../src/worker/keeper.js';
import { memoryStore } from '../src/worker/store.js';
import { nodeOptions, quietLogger, serverUrl, TRANSPORTS, useJanus } from './helpers.js';

const API_SECRET = 'api-secret-7f3a9c';
const TOKEN = 'token-5b8e21d4';

function assertUnauthorized(error: unknown, secret: string): void {
  assert.ok(error instanceof JanusError, String(error));
  assert.equal(error.code, 403);
  assert.ok(!error.message.includes(secret) && !error.reason.includes(secret), 'the credential stays out of the message');
}

describe('Janus with an api_secret', () => {
  const janus = useJanus({ apiSecret: API_SECRET });
  for (const kind of TRANSPORTS) {
    it(`over ${kind}: the right secret works, a wrong or missing one is 403`, async () => {
      const server = serverUrl(janus(), kind);
      const session = await JanusSession.create(nodeOptions(server, { apiSecret: API_SECRET }));
      const echo = await session.attach('janus.plugin.echotest');
      assert.equal((await echo.message({ audio: true })).data['result'], 'ok');
      await session.destroy();
      assertUnauthorized(await JanusSession.create(nodeOptions(server, { apiSecret: 'wrong-secret-1' })).catch((e) => e), 'wrong-secret-1');
      assertUnauthorized(await JanusSession.create(nodeOptions(server)).catch((e) => e), API_SECRET);
    });
  }
});

describe('Janus with token auth', () => {
  const janus = useJanus({ tokenAuth: true });
  for (const kind of TRANSPORTS) {
    it(`over ${kind}: a known token works, a wrong one is 403 and the keeper does not retry it`, async () => {
      await janus().addToken(TOKEN, ['janus.plugin.echotest']);
      const server = serverUrl(janus(), kind);
      const session = await JanusSession.create(nodeOptions(server, { token: TOKEN }));
      const echo = await session.attach('janus.plugin.echotest');
      assert.equal((await echo.message({ audio: true })).data['result'], 'ok');
      // Claiming over a new link needs the token too.
      session.close();
      const again = await JanusSession.create(nodeOptions(server, { token: TOKEN, sessionId: session.id }));
      assert.equal(again.id, session.id);
      await again.destroy();
      assertUnauthorized(await JanusSession.create(nodeOptions(server, { token: 'token-wrong-99' })).catch((e) => e), 'token-wrong-99');

      const keeper = new Keeper({ config: { server, token: 'token-wrong-99' }, store: memoryStore(),
        liveness: () => {}, logger: quietLogger(), WebSocket: nodeOptions(server).WebSocket! });
      assertUnauthorized(await keeper.create().catch((e) => e), 'token-wrong-99');
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      assert.equal(keeper.snapshot().stats.connections, 1, 'a 403 is not retried');
      assert.equal(keeper.state, 'idle');
    });
  }
});
