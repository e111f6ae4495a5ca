// The bench's request meter (bench/janus-meter.ts) must count what really crossed the proxy:
// a real session through it against a real Janus, and hand-made frames for the framing cases.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startMeteredProxy, WebSocketUpstreamParser } from '../bench/janus-meter.js';
import { JanusSession } from '../src/janus/index.js';
import { nodeOptions, useJanus } from './helpers.js';

const janus = useJanus({ logLevel: 2 });

test('counts the Janus requests of a session through the proxy, by type', async () => {
  const meter = await startMeteredProxy(janus().ports.ws);
  try {
    const start = performance.now();
    const session = await JanusSession.create(nodeOptions(meter.proxy.via(janus().wsUrl), { keepAliveMs: 60_000 }));
    const echo = await session.attach('janus.plugin.echotest');
    await echo.message({ audio: true });
    await session.keepAlive();
    await session.destroy();
    const counts = meter.countSince(start);
    assert.deepEqual({ create: counts['create'], info: counts['info'], attach: counts['attach'], message: counts['message'],
      keepalive: counts['keepalive'], destroy: counts['destroy'] },
    { create: 1, info: 1, attach: 1, message: 1, keepalive: 1, destroy: 1 });
    assert.equal(counts['total'], 6);
  } finally {
    await meter.proxy.close();
  }
});

test('parses masked, long, fragmented and split frames', () => {
  const seen: string[] = [];
  const parser = new WebSocketUpstreamParser((text) => seen.push(text));
  const frame = (payload: Buffer, opcode: number, fin = true) => {
    const mask = Buffer.from([1, 2, 3, 4]);
    const length = payload.length < 126 ? Buffer.from([0x80 | payload.length])
      : Buffer.from([0x80 | 126, payload.length >> 8, payload.length & 0xff]);
    const masked = Buffer.from(payload.map((byte, i) => byte ^ mask[i % 4]!));
    return Buffer.concat([Buffer.from([(fin ? 0x80 : 0) | opcode]), length, mask, masked]);
  };
  const long = JSON.stringify({ janus: 'message', body: { text: 'x'.repeat(300) } });
  const bytes = Buffer.concat([
    Buffer.from('GET / HTTP/1.1\r\nUpgrade: websocket\r\n\r\n'),
    frame(Buffer.from('{"janus":"keepalive"}'), 0x1),
    frame(Buffer.from(long), 0x1),
    frame(Buffer.from('{"janus":'), 0x1, false),
    frame(Buffer.from([]), 0x9), // a ping between fragments
    frame(Buffer.from('"claim"}'), 0x0),
  ]);
  for (let i = 0; i < bytes.length; i += 7) parser.push(bytes.subarray(i, i + 7));
  assert.deepEqual(seen.map((text) => JSON.parse(text).janus), ['keepalive', 'message', 'claim']);
});
