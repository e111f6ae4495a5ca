// A FAKE Janus (named as such): real Janus never sends broken frames, so this server answers every
// request correctly but streams ≥ 10,000 generated hostile frames between the answers, over
// WebSocket and over HTTP long-poll. The client must never throw uncaught, settle every request,
// keep its memory bounded, and still work afterwards.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import v8 from 'node:v8';
import vm from 'node:vm';
import WebSocket, { WebSocketServer } from 'ws';
import { JanusKeeperError, JanusSession, type WebSocketConstructor } from '../src/janus/index.js';
import { quietLogger } from './helpers.js';

const FRAMES = 10_000;
const MESSAGES = 300;

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;
const heapUsed = () => {
  gc();
  return process.memoryUsage().heapUsed;
};

/** Deterministic junk: every kind of frame a broken or hostile server could send. */
function hostileFrame(i: number, sessionId: number, handleId: number, usedTransactions: string[]): string | Buffer {
  const reused = usedTransactions[i % Math.max(1, usedTransactions.length)] ?? 'none';
  const kinds: Array<() => string | Buffer> = [
    () => 'not json at all',
    () => '{"janus": "success", "transaction": ',
    () => JSON.stringify([1, 2, 3]),
    () => 'null',
    () => '42',
    () => JSON.stringify({ no: 'janus' }),
    () => JSON.stringify({ janus: 42 }),
    () => JSON.stringify({ janus: 'mystery', transaction: `t${i}` }),
    () => JSON.stringify({ janus: 'success', transaction: `unknown-${i}` }),
    () => JSON.stringify({ janus: 'success', transaction: reused, data: { id: 'x' } }),
    () => JSON.stringify({ janus: 'ack' }),
    () => JSON.stringify({ janus: 'error', transaction: 12, error: 'not an object' }),
    () => `{"janus":"event","sender":1e400,"session_id":${sessionId}}`,
    () => JSON.stringify({ janus: 'event', sender: 2 ** 80, plugindata: null }),
    () => JSON.stringify({ janus: 'event', sender: handleId, plugindata: 'garbage' }),
    () => JSON.stringify({ janus: 'event', sender: handleId, plugindata: { plugin: 5, data: 7 }, jsep: 'x' }),
    () => JSON.stringify({ janus: 'webrtcup', sender: handleId }),
    () => JSON.stringify({ janus: 'timeout', session_id: sessionId + 1 }),
    () => JSON.stringify({ janus: 'error', session_id: sessionId + 1, error: { code: 458, reason: 'other' } }),
    () => Buffer.from([0, 1, 2, 3]),
    () => '['.repeat(5000) + ']'.repeat(5000),
    () => JSON.stringify({ janus: 'event', sender: handleId, plugindata: { plugin: 'x', data: { big: 'y'.repeat(1100 * 1024) } } }),
  ];
  return kinds[i % kinds.length]!();
}

interface FakeJanus {
  sessionId: number;
  handleId: number;
  used: string[];
  /** Transactions already answered: junk "reuses" them (a pending one cannot be told from real). */
  answer(request: Record<string, unknown>): { reply: object; event?: object };
}

function fakeJanus(): FakeJanus {
  const fake: FakeJanus = {
    sessionId: 4_444_444_444,
    handleId: 5_555_555_555,
    used: [],
    answer(request) {
      const transaction = String(request['transaction']);
      switch (request['janus']) {
        case 'create':
          return { reply: { janus: 'success', transaction, data: { id: fake.sessionId } } };
        case 'info':
          return { reply: { janus: 'server_info', transaction, 'session-timeout': 60, 'reclaim-session-timeout': 30 } };
        case 'attach':
          return { reply: { janus: 'success', transaction, session_id: fake.sessionId, data: { id: fake.handleId } } };
        case 'keepalive':
          return { reply: { janus: 'ack', transaction, session_id: fake.sessionId } };
        case 'message':
          return {
            reply: { janus: 'ack', transaction, session_id: fake.sessionId },
            event: { janus: 'event', transaction, session_id: fake.sessionId, sender: fake.handleId,
              plugindata: { plugin: 'janus.plugin.echotest', data: { echotest: 'event', result: 'ok' } } },
          };
        default:
          return { reply: { janus: 'success', transaction, session_id: fake.sessionId } };
      }
    },
  };
  return fake;
}

/** Counts what escapes: any of these is a failure. */
function watchUncaught() {
  const escaped: unknown[] = [];
  const onError = (error: unknown) => escaped.push(error);
  process.on('uncaughtException', onError);
  process.on('unhandledRejection', onError);
  return { escaped, stop: () => {
    process.off('uncaughtException', onError);
    process.off('unhandledRejection', onError);
  } };
}

describe('hostile frames from a FAKE Janus over WebSocket', () => {
  let server: WebSocketServer;
  let url: string;
  const fake = fakeJanus();
  let sent = 0;
  before(async () => {
    server = new WebSocketServer({ host: '127.0.0.1', port: 0, handleProtocols: () => 'janus-protocol' });
    await new Promise((resolve) => server.once('listening', resolve));
    url = `ws://127.0.0.1:${(server.address() as { port: number }).port}`;
    server.on('connection', (socket) => {
      socket.on('message', (data) => {
        const { reply, event } = fake.answer(JSON.parse(String(data)));
        // Junk before the answer, junk after it: the answer still has to be found.
        for (let k = 0; k < 20 && sent < FRAMES; k++) socket.send(hostileFrame(sent++, fake.sessionId, fake.handleId, fake.used));
        socket.send(JSON.stringify(reply));
        if (event) socket.send(JSON.stringify(event));
        fake.used.push(String((reply as { transaction?: unknown }).transaction));
        for (let k = 0; k < 20 && sent < FRAMES; k++) socket.send(hostileFrame(sent++, fake.sessionId, fake.handleId, fake.used));
      });
    });
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('never throws, settles every request, keeps memory bounded, and still works', async (t) => {
    const watch = watchUncaught();
    const logger = quietLogger();
    const started = Date.now();
    const session = await JanusSession.create({ server: url, WebSocket: WebSocket as unknown as WebSocketConstructor,
      logger, keepAliveMs: 60_000 });
    t.after(() => session.close()); // also when an assertion fails: no timer keeps the run alive
    const handle = await session.attach('janus.plugin.echotest');
    const heapBefore = heapUsed();
    let ok = 0;
    for (let i = 0; i < MESSAGES && sent < FRAMES; i++) {
      if ((await handle.message({ audio: true })).data['result'] === 'ok') ok++;
    }
    while (sent < FRAMES) await session.keepAlive();
    await new Promise((resolve) => setTimeout(resolve, 200));
    const heapAfter = heapUsed();
    assert.ok(sent >= FRAMES);
    assert.ok(ok > 0);
    assert.equal(session.state, 'open');
    assert.equal((await handle.message({ audio: true })).data['result'], 'ok', 'a real request afterwards works');
    // 10 warnings per 10 s window plus one "held back" line; thousands of frames were dropped.
    const windows = Math.ceil((Date.now() - started) / 10_000) + 1;
    assert.ok(logger.warnings.length <= 11 * windows, `warnings are rate-limited (${logger.warnings.length} in ${windows} windows)`);
    assert.ok(heapAfter - heapBefore < 8 * 1024 * 1024, `heap grew by ${heapAfter - heapBefore} bytes`);
    t.diagnostic(`ws: ${sent} hostile frames, ${ok} echoes, heap before ${(heapBefore / 1e6).toFixed(1)} MB, after ${(heapAfter / 1e6).toFixed(1)} MB`);
    await session.destroy();
    watch.stop();
    assert.deepEqual(watch.escaped, []);
  });
});

describe('hostile frames from a FAKE Janus over HTTP long-poll', () => {
  let server: Server;
  let url: string;
  const fake = fakeJanus();
  let sent = 0;
  const queued: object[] = [];
  let posts = 0;
  before(async () => {
    server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => (body += chunk));
      request.on('end', () => {
        if (request.method === 'GET') {
          // The long-poll: a batch of junk items, some of them real events.
          // Raw JSON texts are spliced in as they are (a 5,000-deep array is too deep to re-stringify).
          const items: string[] = [];
          for (let k = 0; k < 50 && sent < FRAMES; k++) {
            const frame = hostileFrame(sent++, fake.sessionId, fake.handleId, fake.used);
            items.push(typeof frame !== 'string' ? '"binary"' : isJson(frame) ? frame : JSON.stringify(frame));
          }
          items.push(...queued.splice(0).map((event) => JSON.stringify(event)));
          if (items.length === 0) setTimeout(() => response.end(JSON.stringify({ janus: 'keepalive' })), 50);
          else response.end(`[${items.join(',')}]`);
          return;
        }
        const { reply, event } = fake.answer(JSON.parse(body));
        if (event) queued.push(event);
        fake.used.push(String((reply as { transaction?: unknown }).transaction));
        // Every tenth answer is itself broken: the request must reject, not hang.
        response.end(++posts % 10 === 3 ? 'not json' : JSON.stringify(reply));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}/janus`;
  });
  after(() => new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  }));

  it('never throws, settles every request, keeps memory bounded, and still works', async (t) => {
    const watch = watchUncaught();
    const logger = quietLogger();
    // No keepalive within the run (a slow machine may take minutes): every tenth POST answer is broken on purpose.
    const create = () => JanusSession.create({ server: url, logger, keepAliveMs: 2 ** 31 - 1, requestTimeoutMs: 2_000 });
    // Every tenth POST answer is broken on purpose: opening takes a retry or two.
    let session = await retry(create);
    t.after(() => session.close());
    session.on('disconnected', (e) => t.diagnostic(`disconnected: ${e.message} ${String((e as any).cause)}`));
    const handle = await retry(() => session.attach('janus.plugin.echotest'));
    const heapBefore = heapUsed();
    let ok = 0;
    let rejected = 0;
    while (sent < FRAMES) {
      try {
        if ((await handle.message({ audio: true })).data['result'] === 'ok') ok++;
      } catch (error) {
        assert.ok(error instanceof JanusKeeperError, `typed: ${String(error)}`);
        rejected++;
      }
      if (session.state !== 'open') {
        t.diagnostic(`session ${session.state} after ${sent} items`);
        break;
      }
    }
    const heapAfter = heapUsed();
    assert.ok(sent >= FRAMES, `${sent} frames sent`);
    assert.ok(ok > 0);
    if (session.state !== 'open') session = await create();
    const again = await session.attach('janus.plugin.echotest', { handleId: fake.handleId });
    let answered = false;
    for (let i = 0; i < 3 && !answered; i++) {
      answered = await again.message({ audio: true }).then((r) => r.data['result'] === 'ok', () => false);
    }
    assert.ok(answered, 'a real request afterwards works');
    assert.ok(heapAfter - heapBefore < 8 * 1024 * 1024, `heap grew by ${heapAfter - heapBefore} bytes`);
    t.diagnostic(`http: ${sent} hostile items, ${ok} echoes, ${rejected} typed rejections, heap before ${(heapBefore / 1e6).toFixed(1)} MB, after ${(heapAfter / 1e6).toFixed(1)} MB`);
    session.close();
    watch.stop();
    assert.deepEqual(watch.escaped, []);
  });
});

async function retry<T>(attempt: () => Promise<T>, times = 3): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await attempt();
    } catch (error) {
      if (i >= times) throw error;
    }
  }
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
