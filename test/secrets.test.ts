// Janus configured with an API secret, and with token auth: the right credential works over both
// transports, a wrong one is a JanusError 403 that is not retried, and no message carries it; no
// cookie, request header or foreign body field ever carries a credential or an id.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { JanusError, JanusSession, type FetchLike, type WebSocketConstructor } from '../src/janus/index.js';
import { Keeper } from '../src/worker/keeper.js';
import { memoryStore } from '../src/worker/record/store.js';
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

describe('credentials stay out of cookies, request headers and the wrong body fields', () => {
  const janus = useJanus({ apiSecret: API_SECRET, tokenAuth: true });
  for (const kind of TRANSPORTS) {
    it(`over ${kind}: no cookie is written, no header carries one, each body carries it only in its own field`, async () => {
      await janus().addToken(TOKEN, ['janus.plugin.echotest']);
      const server = serverUrl(janus(), kind);
      const cookies: string[] = [];
      const headers: string[] = [];
      const bodies: Record<string, unknown>[] = [];
      const globals = globalThis as { document?: unknown; cookieStore?: unknown };
      const saved = { document: globals.document, cookieStore: globals.cookieStore };
      globals.document = { get cookie() { return cookies.join('; '); }, set cookie(value: string) { cookies.push(value); } };
      globals.cookieStore = { set: async (...args: unknown[]) => void cookies.push(JSON.stringify(args)) };
      const recordingFetch: FetchLike = (input, init) => {
        headers.push(JSON.stringify(init?.headers ?? {}));
        if (typeof init?.body === 'string') bodies.push(JSON.parse(init.body) as Record<string, unknown>);
        return fetch(input, init);
      };
      const Base = nodeOptions(server).WebSocket! as unknown as typeof WebSocket;
      class RecordingWebSocket extends Base {
        override send(data: string): void {
          bodies.push(JSON.parse(data) as Record<string, unknown>);
          super.send(data);
        }
      }
      const logger = quietLogger();
      const keeper = new Keeper({ config: { server, token: TOKEN, apiSecret: API_SECRET }, store: memoryStore(), standalone: true,
        liveness: () => {}, logger, WebSocket: RecordingWebSocket as unknown as WebSocketConstructor, fetch: recordingFetch });
      try {
        const { sessionId } = await keeper.create();
        const { handleId } = await keeper.attach('node', 'janus.plugin.echotest', { opaqueId: 'opaque-1' });
        await keeper.message('node', handleId, { audio: true });
        await keeper.destroy();
        const secrets = [TOKEN, API_SECRET, String(sessionId), String(handleId)];
        assert.deepEqual(cookies, [], 'no cookie is ever written');
        // Janus needs each credential in its own field; anywhere else (a header, another field) is a leak.
        const ownFields = new Set(['token', 'apisecret', 'session_id', 'handle_id']);
        const elsewhere = bodies.map((body) => JSON.stringify(Object.entries(body).filter(([key]) => !ownFields.has(key))));
        assert.ok(bodies.length >= 4, `${bodies.length} request bodies seen`);
        for (const [what, texts] of [['headers', headers], ['bodies', elsewhere], ['warnings', logger.warnings]] as const) {
          for (const secret of secrets) {
            assert.ok(!texts.some((text) => text.includes(secret)), `a credential in the request ${what}`);
          }
        }
        assert.ok(bodies.every((body) => body['token'] === TOKEN && body['apisecret'] === API_SECRET || body['janus'] === 'info'),
          'the credentials go in their fields');
      } finally {
        await keeper.destroy().catch(() => {});
        globals.document = saved.document;
        globals.cookieStore = saved.cookieStore;
      }
    });
  }
});
