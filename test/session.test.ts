import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  InvalidArgumentError,
  JanusError,
  JanusSession,
  SessionReclaimException,
  TransportError,
  type FetchLike,
  type WebSocketConstructor,
} from '../src/janus/index.js';
import { nodeOptions, serverUrl, TRANSPORTS, unusedPort, useJanus, waitFor } from './helpers.js';

// Short timeouts so expiry can be observed: Janus checks sessions every ~2 s.
const SESSION_TIMEOUT_S = 5;
const RECLAIM_TIMEOUT_S = 2;

for (const kind of TRANSPORTS) {
  describe(`JanusSession over ${kind} against a real Janus`, () => {
    const janus = useJanus({ sessionTimeout: SESSION_TIMEOUT_S, reclaimTimeout: RECLAIM_TIMEOUT_S });
    const options = (extra = {}) => nodeOptions(serverUrl(janus(), kind), extra);

    it('creates a session that Janus lists, with the full answer and a keepalive from info', async () => {
      const session = await JanusSession.create(options());
      try {
        assert.equal(session.reclaimed, false);
        assert.equal(session.response.janus, 'success');
        assert.equal(session.response.data?.id, session.id);
        assert.equal(session.transportKind, kind);
        assert.equal(session.keepAliveMs, (SESSION_TIMEOUT_S * 1000) / 3);
        assert.ok((await janus().listSessions()).includes(session.id));
      } finally {
        await session.destroy();
      }
    });

    it('attaches echotest and gets the plugin answer to a message', async () => {
      const session = await JanusSession.create(options());
      try {
        const handle = await session.attach('janus.plugin.echotest', { opaqueId: 'test-echo' });
        assert.deepEqual(await janus().listHandles(session.id), [handle.id]);
        const answer = await handle.message({ audio: true });
        assert.equal(answer.plugin, 'janus.plugin.echotest');
        assert.equal(answer.data['echotest'], 'event');
        assert.equal(answer.data['result'], 'ok');
        await handle.hangup();
        await handle.detach();
        assert.deepEqual(await janus().listHandles(session.id), []);
      } finally {
        await session.destroy();
      }
    });

    it('reclaims the same session after the link drops, and the old handle answers again', async () => {
      const first = await JanusSession.create(options());
      const handle = await first.attach('janus.plugin.echotest');
      const disconnected = new Promise((resolve) => first.on('disconnected', resolve));
      first.close();
      assert.ok((await disconnected) instanceof TransportError);
      assert.equal(first.state, 'disconnected');
      await assert.rejects(handle.message({ audio: true }), TransportError);

      const second = await JanusSession.create(options({ sessionId: first.id }));
      try {
        assert.equal(second.id, first.id);
        assert.equal(second.reclaimed, true);
        assert.equal(second.response.janus, 'success');
        assert.deepEqual(await janus().listSessions(), [first.id]);
        const rebound = await second.attach('janus.plugin.echotest', { handleId: handle.id });
        assert.equal(rebound.id, handle.id);
        assert.equal((await rebound.message({ video: false })).data['result'], 'ok');
        assert.deepEqual(await janus().listHandles(second.id), [handle.id]);
      } finally {
        await second.destroy();
      }
    });

    it('keeps a claimed session alive past session_timeout (keepalive restarted)', async () => {
      const first = await JanusSession.create(options());
      first.close();
      const second = await JanusSession.create(options({ sessionId: first.id, keepAliveMs: 1_000 }));
      try {
        // Counted, not slept: each acknowledged keepalive is Janus seeing the session alive, and
        // more of them than session_timeout has seconds spans longer than the timeout.
        let acks = 0;
        second.on('keepalive', () => acks++);
        await waitFor('keepalives acknowledged past session_timeout', () => acks > SESSION_TIMEOUT_S + 1, 60_000, 50);
        assert.equal(second.state, 'open');
        assert.ok((await janus().listSessions()).includes(second.id));
        const handle = await second.attach('janus.plugin.echotest');
        assert.equal((await handle.message({ audio: true })).data['result'], 'ok');
      } finally {
        await second.destroy();
      }
    });

    if (kind === 'ws') {
      it("Janus's timeout event for a session left without keepalives ends it: lost, once", async () => {
        const session = await JanusSession.create(options({ keepAliveMs: 600_000 }));
        const lost: JanusError[] = [];
        session.on('lost', (error) => lost.push(error));
        await waitFor('the timeout event', () => lost.length > 0, 60_000, 50);
        assert.equal(session.state, 'lost');
        assert.equal(lost.length, 1);
        assert.equal(lost[0]?.code, 458);
      });
    }

    it('refuses to claim an unknown session with SessionReclaimException 458', async () => {
      const error = await JanusSession.create(options({ sessionId: 1234567 })).catch((e: unknown) => e);
      assert.ok(error instanceof SessionReclaimException, String(error));
      assert.equal(error.code, 458);
      assert.equal(error.sessionId, 1234567);
      assert.equal(error.name, 'SessionReclaimException');
      assert.ok(!error.message.includes('1234567'), 'the id is a credential and stays out of messages');
    });

    it('refuses to claim once the server has reclaimed the session', async () => {
      const first = await JanusSession.create(options());
      first.close();
      // WebSocket: gone after reclaim_session_timeout; HTTP: Janus never learns the client left,
      // so only session_timeout ends it.
      await waitFor('Janus to drop the session', async () =>
        !(await janus().listSessions()).includes(first.id), 30_000, 250);
      const error = await JanusSession.create(options({ sessionId: first.id })).catch((e: unknown) => e);
      assert.ok(error instanceof SessionReclaimException, String(error));
      assert.equal(error.code, 458);
    });

    it('rejects every malformed id with SessionReclaimException before any I/O', async () => {
      let connections = 0;
      const countingFetch: FetchLike = (...args) => {
        connections++;
        return fetch(...args);
      };
      const RealWebSocket = options().WebSocket!;
      const CountingWebSocket = function (this: unknown, url: string, protocols?: string | string[]) {
        connections++;
        return new RealWebSocket(url, protocols);
      } as unknown as WebSocketConstructor;
      const malformed: unknown[] = [0, -1, 1.5, NaN, Infinity, -Infinity, 2 ** 53 + 2, '12', 'abc', {}, [], null, true];
      for (const sessionId of malformed) {
        const error = await JanusSession.create(options({
          sessionId: sessionId as number, fetch: countingFetch, WebSocket: CountingWebSocket,
        })).catch((e: unknown) => e);
        assert.ok(error instanceof SessionReclaimException, `${String(sessionId)}: ${String(error)}`);
        assert.equal(error.code, 458);
        assert.equal(error.sessionId, undefined);
      }
      assert.equal(connections, 0);
    });

    it('fails with TransportError when Janus is not running', async () => {
      const port = await unusedPort();
      const server = kind === 'ws' ? `ws://127.0.0.1:${port}` : `http://127.0.0.1:${port}/janus`;
      await assert.rejects(JanusSession.create(nodeOptions(server)), TransportError);
    });

    it('destroy() removes the session on Janus, and later calls throw', async () => {
      const session = await JanusSession.create(options());
      const handle = await session.attach('janus.plugin.echotest');
      await session.destroy();
      assert.equal(session.state, 'destroyed');
      assert.ok(!(await janus().listSessions()).includes(session.id));
      assert.equal(handle.detached, true);
      await assert.rejects(handle.message({}), { name: 'DestroyedError' });
      await assert.rejects(session.attach('janus.plugin.echotest'), { name: 'DestroyedError' });
    });

    it('maps Janus errors to JanusError with code and reason', async () => {
      const session = await JanusSession.create(options());
      try {
        const error = await session.attach('janus.plugin.nope').catch((e: unknown) => e);
        assert.ok(error instanceof JanusError, String(error));
        assert.equal(error.code, 460);
        assert.match(error.reason, /plugin/i);
      } finally {
        await session.destroy();
      }
    });

    it('settles requests in flight when the link closes', async () => {
      const session = await JanusSession.create(options());
      const handle = await session.attach('janus.plugin.echotest');
      const pending = handle.message({ audio: true });
      session.close();
      await assert.rejects(pending, TransportError);
    });

    it('rejects bad arguments with InvalidArgumentError before any I/O', async () => {
      await assert.rejects(JanusSession.create(nodeOptions('ftp://x')), InvalidArgumentError);
      await assert.rejects(JanusSession.create(nodeOptions('')), InvalidArgumentError);
      await assert.rejects(JanusSession.create(options({ transport: 'carrier-pigeon' })), InvalidArgumentError);
      await assert.rejects(JanusSession.create(options({ keepAliveMs: -5 })), InvalidArgumentError);
      const session = await JanusSession.create(options());
      try {
        await assert.rejects(session.attach(''), InvalidArgumentError);
        await assert.rejects(session.attach('janus.plugin.echotest', { handleId: 0 }), InvalidArgumentError);
      } finally {
        await session.destroy();
      }
    });
  });
}
