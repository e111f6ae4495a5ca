// Expiring Janus tokens against a real Janus with token auth: signed tokens (token_auth_secret,
// minted here as an app's backend does) renewed ahead of expiry with no refused request, a 403
// that brings one fresh token and the same request again (stored tokens removed through the admin
// API, the HTTP long-poll included), typed errors for a bad provider, per-handle tokens.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  JanusError,
  JanusSession,
  TokenProviderError,
  TokenRefusedError,
  type JanusSessionOptions,
} from '../src/janus/index.js';
import { startFaultProxy } from '../e2e/fixtures/fault-proxy.js';
import { Keeper } from '../src/worker/keeper.js';
import { memoryStore } from '../src/worker/record/store.js';
import { nodeOptions, quietLogger, serverUrl, TRANSPORTS, useJanus, waitFor } from './helpers.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** A signed token's life: Janus checks whole seconds, so it lasts 2-3 s. */
const TOKEN_LIFE_MS = 3_000;

for (const kind of TRANSPORTS) {
  describe(`signed tokens that expire, over ${kind}`, () => {
    const janus = useJanus({ sessionTimeout: 30, reclaimTimeout: 10, tokenAuthSecret: 'keeper-test-secret' });
    const open = (extra: Partial<JanusSessionOptions>) => JanusSession.create(nodeOptions(serverUrl(janus(), kind), extra));

    it('a session outlives six expiries of its token: no request refused, one session, a bounded count of provider calls', async () => {
      let calls = 0;
      const session = await open({ token: () => (calls++, janus().mintToken(TOKEN_LIFE_MS)), keepAliveMs: 700 });
      const refused: unknown[] = [];
      session.credentials.on('failed', (error) => refused.push(error));
      try {
        const handle = await session.attach('janus.plugin.echotest');
        const started = Date.now();
        // Six lifetimes of the token, a request every 400 ms besides the keepalives.
        while (Date.now() - started < 6 * TOKEN_LIFE_MS) {
          const answer = await handle.message({ audio: true });
          assert.equal(answer.data['echotest'], 'event');
          await sleep(400);
        }
        assert.deepEqual(refused, []);
        assert.equal(session.credentials.refusals, 0, 'Janus never refused a token: each was renewed ahead of its expiry');
        assert.equal(session.state, 'open');
        assert.deepEqual(await janus().listSessions(), [session.id]);
        // Renewed ahead of expiry: about one call per second of a 2-3 s token (never once per request).
        assert.ok(calls >= 6 && calls <= 6 * TOKEN_LIFE_MS / 1000 + 3, `provider calls: ${calls}`);
      } finally {
        await session.destroy();
      }
    });

    it('a token the provider gives expired: the 403 brings one fresh token and the same request again', async () => {
      const tokens = [janus().mintToken(-5_000), janus().mintToken(60_000)];
      let calls = 0;
      // The first token is refused at create: Janus refused before doing anything, so the create goes again.
      const session = await open({ token: () => tokens[Math.min(calls++, 1)]! });
      try {
        assert.equal(calls, 2);
        await session.keepAlive();
        assert.equal(calls, 2);
      } finally {
        await session.destroy();
      }
    });

    it('a provider that gives the refused token again: TokenRefusedError, and no loop on the provider', async () => {
      let calls = 0;
      const expired = janus().mintToken(-5_000);
      await assert.rejects(open({ token: () => (calls++, expired) }), TokenRefusedError);
      assert.equal(calls, 2, 'asked before the create, then once after the 403');
    });

    it('a provider that throws, hangs or gives no string: TokenProviderError naming which, within its deadline', async () => {
      await assert.rejects(open({ token: () => { throw new Error('backend down'); } }),
        (error: unknown) => error instanceof TokenProviderError && error.reason === 'threw');
      const started = Date.now();
      await assert.rejects(open({ token: () => new Promise<string>(() => {}), tokenTimeoutMs: 300 }),
        (error: unknown) => error instanceof TokenProviderError && error.reason === 'timeout');
      assert.ok(Date.now() - started < 300 + 2_000);
      await assert.rejects(open({ token: () => 42 as unknown as string }),
        (error: unknown) => error instanceof TokenProviderError && error.reason === 'invalid');
      assert.deepEqual(await janus().listSessions(), [], 'nothing reached Janus');
    });

    it('an attach with its own token: Janus checks its plugins (405), the handle\'s later requests use the session\'s', async () => {
      const session = await open({ token: janus().mintToken(60_000) });
      try {
        await assert.rejects(session.attach('janus.plugin.textroom', { token: janus().mintToken(60_000, ['echotest']) }),
          (error: unknown) => error instanceof JanusError && error.code === 405);
        const handle = await session.attach('janus.plugin.echotest', { token: janus().mintToken(60_000, ['echotest']) });
        assert.equal((await handle.message({ audio: true })).data['echotest'], 'event');
      } finally {
        await session.destroy();
      }
    });
  });

  describe(`stored tokens (admin API), over ${kind}`, () => {
    const janus = useJanus({ sessionTimeout: 30, reclaimTimeout: 10, tokenAuth: true });

    it('the token in use removed: the next request\'s 403 brings a fresh one, and nothing is lost (the long-poll too)', async () => {
      const first = `first-${kind}`;
      const second = `second-${kind}`;
      await janus().addToken(first);
      let current = first;
      let calls = 0;
      const session = await JanusSession.create(nodeOptions(serverUrl(janus(), kind), {
        token: () => (calls++, current), keepAliveMs: 60_000,
      }));
      try {
        const handle = await session.attach('janus.plugin.echotest');
        const events: unknown[] = [];
        handle.on('event', (event) => events.push(event));
        await janus().addToken(second);
        current = second;
        await janus().removeToken(first);
        // Over HTTP the long-poll asks with `first` too: its 403 renews as well; the events keep coming.
        const answer = await handle.message({ audio: false }, undefined, { awaitEvent: false });
        assert.equal(answer.answer, 'ack');
        await waitFor('the event after the ack', () => events.length > 0, 10_000);
        await session.keepAlive();
        assert.equal(session.state, 'open');
        assert.ok(calls <= 3, `provider calls: ${calls}`);
      } finally {
        await session.destroy();
      }
    });
  });
}

describe('the keeper in Node with a token provider', () => {
  const janus = useJanus({ sessionTimeout: 30, reclaimTimeout: 10, tokenAuthSecret: 'keeper-node-secret' });

  it('a drop after the token in use expired: the same session, claimed with a fresh token', async () => {
    const proxy = await startFaultProxy(janus().ports.ws);
    const server = proxy.via(janus().wsUrl);
    let calls = 0;
    const keeper = new Keeper({
      config: { server, token: () => (calls++, janus().mintToken(TOKEN_LIFE_MS)), backoff: { baseMs: 100, floorMs: 50 } },
      store: memoryStore(), standalone: true, liveness: () => {}, logger: quietLogger(), WebSocket: nodeOptions(server).WebSocket!,
    });
    try {
      const { sessionId } = await keeper.create();
      await keeper.attach('node', 'janus.plugin.echotest');
      // The link drops and stays down for longer than the token lives (no session holds the
      // credentials meanwhile: no renewal ahead of expiry).
      proxy.setMode('refuse');
      proxy.reset();
      await waitFor('the drop seen', () => keeper.state === 'reconnecting' || undefined);
      const callsBefore = calls;
      await sleep(TOKEN_LIFE_MS + 1_000);
      proxy.setMode('pass');
      keeper.online();
      await waitFor('ready again', () => (keeper.state === 'ready' && keeper.snapshot().stats.claims > 0) || undefined, 20_000);
      assert.equal(keeper.snapshot().sessionId, sessionId);
      assert.ok(calls > callsBefore, 'a fresh token for the claim');
      assert.deepEqual(await janus().listSessions(), [sessionId]);
    } finally {
      await keeper.destroy().catch(() => {});
      await proxy.close();
    }
  });

  it('a provider that turns bad: the state names TokenProviderError; setToken resumes', async () => {
    const server = janus().httpUrl;
    let bad = false;
    let calls = 0;
    const keeper = new Keeper({
      config: { server, token: () => { calls++; if (bad) throw new Error('signed out'); return janus().mintToken(TOKEN_LIFE_MS); } },
      store: memoryStore(), standalone: true, liveness: () => {}, logger: quietLogger(),
    });
    try {
      const { sessionId } = await keeper.create();
      bad = true;
      const since = Date.now();
      await waitFor('the tabs told', () => /TokenProviderError/.test(keeper.snapshot().cause ?? '') || undefined, 10_000);
      // Told within one renewal (at most the token's life) plus the provider's failure.
      assert.ok(Date.now() - since <= TOKEN_LIFE_MS + 1_000, `told after ${Date.now() - since} ms`);
      const failedCalls = calls;
      await sleep(2_000);
      assert.ok(calls - failedCalls <= 2, `provider calls while failing: ${calls - failedCalls} in 2 s`);
      keeper.setToken(janus().mintToken(60_000));
      await waitFor('cause cleared', () => !/Token/.test(keeper.snapshot().cause ?? '') || undefined, 10_000);
      assert.equal(keeper.snapshot().sessionId, sessionId);
      assert.equal(keeper.state, 'ready');
    } finally {
      await keeper.destroy().catch(() => {});
    }
  });
});
