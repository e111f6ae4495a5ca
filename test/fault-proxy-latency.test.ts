// The fault proxy's link delay (e2e/fixtures/fault-proxy.ts setLatency), which the bench's
// "real link" rows rest on: a chunk is never delivered before its delay, never overtakes an
// earlier one (also when the delay changes), a close follows the data still on the link, and a
// new connection pays the TCP handshake's round trip. A plain TCP sink stands in for Janus: this
// is about bytes on a link, not about Janus.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, Socket, type AddressInfo, type Server } from 'node:net';
import { test } from 'node:test';
import { startFaultProxy } from '../e2e/fixtures/fault-proxy.js';

interface Received { text: string; firstAt?: number; ended: Promise<unknown> }

async function sink(): Promise<{ server: Server; port: number; next: () => Promise<Received> }> {
  const arrivals: ((r: Received) => void)[] = [];
  const server = createServer((socket) => {
    const received: Received = { text: '', ended: once(socket, 'end') };
    socket.on('data', (chunk) => {
      received.firstAt ??= performance.now();
      received.text += chunk.toString('utf8');
    });
    arrivals.shift()?.(received);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, port: (server.address() as AddressInfo).port, next: () => new Promise((resolve) => arrivals.push(resolve)) };
}

async function link(delayMs: number, emulateHandshake = false) {
  const target = await sink();
  const readByProxy: (() => void)[] = [];
  const proxy = await startFaultProxy(target.port, '127.0.0.1', { emulateHandshake,
    tap: (_connection, direction, chunk) => direction === 'up' && chunk && readByProxy.shift()?.() });
  proxy.setLatency(delayMs);
  const arrived = target.next();
  const client = new Socket();
  // Before connect(): the proxy accepts after this, so its handshake clock starts no earlier.
  const connectedAt = performance.now();
  client.connect(proxy.port, '127.0.0.1');
  await once(client, 'connect');
  const received = await arrived;
  /** Resolves when the proxy has read the next chunk from the client. */
  const proxyRead = () => new Promise<void>((resolve) => readByProxy.push(resolve));
  return { client, received, connectedAt, proxy, proxyRead,
    close: async () => {
      client.destroy();
      await proxy.close();
      target.server.close();
    } };
}

test('a chunk arrives no sooner than the delay, and a later one never overtakes it when the delay drops', async () => {
  const { client, received, proxy, proxyRead, close } = await link(80);
  try {
    const sentAt = performance.now();
    const read = proxyRead();
    client.write('first;');
    await read;
    proxy.setLatency(0);
    client.write('second;');
    client.end();
    await received.ended;
    assert.equal(received.text, 'first;second;');
    assert.ok(received.firstAt! - sentAt >= 79, 'the first chunk was held for the link delay');
  } finally {
    await close();
  }
});

test('a close follows the data that is still on the link', async () => {
  const { client, received, close } = await link(50);
  try {
    client.end('last words');
    await received.ended;
    assert.equal(received.text, 'last words');
  } finally {
    await close();
  }
});

test('with emulateHandshake a new connection\'s first bytes wait the handshake round trip too', async () => {
  const { client, received, connectedAt, close } = await link(40, true);
  try {
    client.end('hello');
    await received.ended;
    assert.equal(received.text, 'hello');
    assert.ok(received.firstAt! - connectedAt >= 3 * 40 - 1, `SYN, SYN-ACK, then the data: three one-way delays (${received.firstAt! - connectedAt})`);
  } finally {
    await close();
  }
});
