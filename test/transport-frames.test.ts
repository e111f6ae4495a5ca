// FAKE Janus servers, named as such, for what a real Janus will not do on demand: frames it never
// sends (not JSON, binary, unknown transactions) from a fake in-memory socket, and a fake HTTP API
// that ends a long-poll with 404 strictly before answering the destroy (real Janus does so only
// sometimes, so only a fake makes the order certain). Everything else runs against a real Janus.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { JanusSession, systemClock, TimeoutError, TransportError, type FetchLike } from '../src/janus/index.js';
import type { WebSocketConstructor, WebSocketLike } from '../src/janus/transport/transport.js';
import { WebSocketTransport } from '../src/janus/transport/websocket-transport.js';
import { quietLogger, waitFor } from './helpers.js';

class FakeJanusSocket implements WebSocketLike {
  static last: FakeJanusSocket | undefined;
  readyState = 0;
  protocol = 'janus-protocol';
  sent: string[] = [];
  onopen: ((event: unknown) => void) | null = null;
  onclose: ((event: { code: number; reason: string }) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  constructor() {
    FakeJanusSocket.last = this;
    queueMicrotask(() => {
      this.readyState = 1;
      this.onopen?.({});
    });
  }
  send(data: string) {
    this.sent.push(data);
  }
  close() {
    this.readyState = 3;
  }
  deliver(data: unknown) {
    this.onmessage?.({ data });
  }
}

async function openFake() {
  const logger = quietLogger();
  const transport = await WebSocketTransport.open('ws://fake', {
    WebSocket: FakeJanusSocket as unknown as WebSocketConstructor, connectTimeoutMs: 1000, maxFrameBytes: 1 << 20, logger,
    clock: systemClock,
  });
  return { transport, socket: FakeJanusSocket.last!, logger };
}

describe('WebSocket transport with frames Janus never sends (fake socket)', () => {
  it('drops non-JSON, binary, non-object and unknown-transaction frames with a warning', async () => {
    const { transport, socket, logger } = await openFake();
    const events: unknown[] = [];
    transport.on('message', (message) => events.push(message));
    const answer = transport.send({ janus: 'keepalive', transaction: 't1', session_id: 1 }, 1000);
    for (const junk of ['not json', '[1,2]', '42', 'null', '{"no":"janus"}', new Uint8Array([1, 2]),
      '{"janus":"success","transaction":"unknown"}', '{"janus":"ack"}']) {
      assert.doesNotThrow(() => socket.deliver(junk));
    }
    assert.equal(logger.warnings.length, 8);
    assert.equal(events.length, 0);
    socket.deliver('{"janus":"ack","transaction":"t1"}');
    assert.equal((await answer).janus, 'ack');
    socket.deliver('{"janus":"event","sender":5,"plugindata":{"plugin":"x","data":{}}}');
    assert.equal(events.length, 1);
    transport.close();
  });

  it('times out a request with no answer, and rejects pending ones when closed', async () => {
    const { transport } = await openFake();
    await assert.rejects(transport.send({ janus: 'keepalive', transaction: 'a' }, 30), TimeoutError);
    const pending = transport.send({ janus: 'keepalive', transaction: 'b' }, 5000);
    transport.close();
    await assert.rejects(pending, TransportError);
    await assert.rejects(transport.send({ janus: 'keepalive', transaction: 'c' }, 5000), TransportError);
  });
});

describe('HTTP: the long-poll ends (404) while a destroy is on its way (a FAKE Janus HTTP API)', () => {
  it('destroy resolves, and the session is destroyed, not disconnected', async () => {
    // Real Janus can answer a session's pending long-poll with 404 just before the destroy's own
    // answer arrives; this fake makes that order certain.
    let endPoll: (() => void) | undefined;
    const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status });
    const fakeFetch = async (url: string | URL | Request, init?: RequestInit): Promise<Response> => {
      if (init?.method === 'GET') {
        return new Promise((resolve, reject) => {
          endPoll = () => resolve(json({ janus: 'error' }, 404));
          init.signal?.addEventListener('abort', () => reject(init.signal!.reason));
        });
      }
      const request = JSON.parse(String(init?.body)) as { janus: string; transaction: string };
      const answer = (extra: object) => json({ janus: 'success', transaction: request.transaction, ...extra });
      if (request.janus === 'create') return answer({ data: { id: 4242 } });
      if (request.janus === 'info') return json({ janus: 'server_info', transaction: request.transaction });
      if (request.janus === 'destroy') {
        endPoll?.();
        await new Promise((resolve) => setTimeout(resolve, 30));
        return answer({ session_id: 4242 });
      }
      return json({ janus: 'error', transaction: request.transaction, error: { code: 453, reason: 'unknown' } });
    };
    const session = await JanusSession.create({ server: 'http://fake/janus', fetch: fakeFetch as FetchLike,
      logger: quietLogger(), keepAliveMs: 60_000 });
    let disconnected = false;
    session.on('disconnected', () => (disconnected = true));
    await new Promise((resolve) => setTimeout(resolve, 10)); // the long-poll is out
    await session.destroy();
    assert.equal(session.state, 'destroyed');
    assert.equal(disconnected, false);
  });
});

describe('bug 1: the link lost between the answer to create/claim and the answer to info (a FAKE socket)', () => {
  // Only a fake can close the socket exactly after one answer and before the next.
  const answerThenDrop = (answer: (request: { janus: string; transaction: string }) => object | undefined) =>
    class extends FakeJanusSocket {
      override send(data: string) {
        super.send(data);
        const request = JSON.parse(data) as { janus: string; transaction: string };
        const frame = answer(request);
        queueMicrotask(() => {
          if (frame) this.deliver(JSON.stringify({ transaction: request.transaction, ...frame }));
          else this.onclose?.({ code: 1006, reason: '' }); // info: the link goes instead of its answer
        });
      }
    };

  for (const claim of [false, true]) {
    it(`${claim ? 'claim' : 'create'} rejects with TransportError instead of returning a deaf session`, async () => {
      const Socket = answerThenDrop((request) =>
        request.janus === 'info' ? undefined : { janus: 'success', ...(claim ? { session_id: 77 } : { data: { id: 77 } }) });
      await assert.rejects(JanusSession.create({ server: 'ws://fake', WebSocket: Socket as unknown as WebSocketConstructor,
        logger: quietLogger(), ...(claim ? { sessionId: 77 } : {}) }), TransportError);
    });
  }

  it('a keepalive that fails on a link already closed still ends in disconnected, once', async () => {
    const Socket = answerThenDrop((request) => (request.janus === 'keepalive' ? { janus: 'ack' }
      : request.janus === 'info' ? { janus: 'server_info' } : { janus: 'success', data: { id: 78 } }));
    const session = await JanusSession.create({ server: 'ws://fake', WebSocket: Socket as unknown as WebSocketConstructor,
      logger: quietLogger(), keepAliveMs: 10, keepAliveTimeoutMs: 20 });
    const disconnected: unknown[] = [];
    session.on('disconnected', (error) => disconnected.push(error));
    const socket = FakeJanusSocket.last!;
    socket.send = () => {}; // the link is dead but says nothing: the keepalive gets no ack
    await waitFor('disconnected', () => session.state === 'disconnected', 5_000, 5);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(disconnected.length, 1);
  });
});
