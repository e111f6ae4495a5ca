// Recovery counted on a fake clock against a real Janus, never timed: keepalives restart after a
// claim, a refused claim gives session-lost at the 458 (not when the window passes), the per-minute
// attempt limit holds, and a refused token with no provider waits for a new one (no attempt before).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import WebSocket from 'ws';
import { startFaultProxy } from '../e2e/fixtures/fault-proxy.js';
import type { KeeperConfig } from '../src/bridge/api.js';
import type { WebSocketConstructor } from '../src/janus/index.js';
import { Keeper } from '../src/worker/keeper.js';
import { memoryStore } from '../src/worker/record/store.js';
import { FakeClock } from './fake-clock.js';
import { quietLogger, useJanus, waitFor } from './helpers.js';

const Ws = WebSocket as unknown as WebSocketConstructor;
/** Deadlines far past the fake time a test moves: real answers are never overtaken by a fake timeout. */
const LONG = 3_600_000;

function keeperOn(server: string, clock: FakeClock, config: Partial<KeeperConfig> = {}) {
  return new Keeper({
    config: { server, requestTimeoutMs: LONG, keepAliveTimeoutMs: LONG, connectTimeoutMs: LONG, ...config },
    store: memoryStore(), standalone: true, liveness: () => {}, logger: quietLogger(), WebSocket: Ws, clock, random: () => 0.5,
  });
}

/** Moves fake time in steps, letting real I/O answer between them, until `done()` or `maxMs` of fake time. */
async function drive(clock: FakeClock, done: () => boolean, maxMs: number, stepMs = 50): Promise<void> {
  const end = clock.now() + maxMs;
  while (!done() && clock.now() < end) {
    await clock.advance(Math.min(stepMs, end - clock.now()));
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/**
 * Runs the keeper's scheduled attempts one at a time until `done()`: moves fake time to each, then
 * waits in real time for its real I/O to end (a slow machine only makes it take longer).
 */
async function attemptsUntil(clock: FakeClock, keeper: Keeper, done: () => boolean, maxAttempts = 20): Promise<void> {
  for (let attempt = 0; attempt < maxAttempts && !done(); attempt++) {
    const { nextRetryAt, stats } = keeper.snapshot();
    if (nextRetryAt === undefined) {
      await waitFor('an attempt scheduled', () => done() || keeper.snapshot().nextRetryAt !== undefined);
      continue;
    }
    await clock.advance(Math.max(0, nextRetryAt - clock.now()));
    await waitFor('the attempt answered', () => done() || keeper.snapshot().nextRetryAt !== undefined
      && keeper.snapshot().stats.connections > stats.connections);
  }
}

async function rawDestroy(url: string, sessionId: number): Promise<void> {
  const socket = new WebSocket(url, 'janus-protocol');
  await new Promise((resolve) => socket.once('open', resolve));
  const answered = new Promise((resolve) => socket.on('message', (data) => {
    if (JSON.parse(String(data)).janus !== 'ack') resolve(undefined);
  }));
  socket.send(JSON.stringify({ janus: 'destroy', session_id: sessionId, transaction: 'd' }));
  await answered;
  socket.close();
}

describe('recovery on a fake clock, against a real Janus', () => {
  const janus = useJanus({ sessionTimeout: 60, reclaimTimeout: 30 });

  it('keepalives start again after a claim: one per keepAliveMs of fake time', async () => {
    const proxy = await startFaultProxy(janus().ports.ws);
    const clock = new FakeClock();
    const keeper = keeperOn(proxy.via(janus().wsUrl), clock, { keepAliveMs: 1_000 });
    try {
      const { sessionId } = await keeper.create();
      proxy.reset();
      await waitFor('reconnecting', () => keeper.state === 'reconnecting');
      await attemptsUntil(clock, keeper, () => keeper.state === 'ready');
      assert.equal(keeper.snapshot().sessionId, sessionId);
      const base = keeper.snapshot().stats.keepalives;
      for (let n = 1; n <= 3; n++) {
        await clock.advance(1_000);
        await waitFor(`keepalive ${n} acknowledged`, () => keeper.snapshot().stats.keepalives === base + n);
      }
    } finally {
      await keeper.destroy();
      await proxy.close();
    }
  });

  it('a keepalive counts when Janus acknowledges it, not when it is sent', async () => {
    const proxy = await startFaultProxy(janus().ports.ws);
    const clock = new FakeClock();
    const keeper = keeperOn(proxy.via(janus().wsUrl), clock, { keepAliveMs: 1_000 });
    try {
      await keeper.create();
      await clock.advance(1_000);
      await waitFor('one keepalive acknowledged', () => keeper.snapshot().stats.keepalives === 1);
      proxy.setMode('blackhole'); // keepalives go out, no ack comes back
      for (let n = 0; n < 3; n++) {
        await clock.advance(1_000);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      assert.equal(keeper.snapshot().stats.keepalives, 1);
    } finally {
      proxy.setMode('pass');
      await keeper.destroy().catch(() => {});
      await proxy.close();
    }
  });

  it('the stored savedAt is when Janus last answered, not when the record was written', async () => {
    const clock = new FakeClock();
    const store = memoryStore();
    const keeper = new Keeper({ config: { server: janus().wsUrl, requestTimeoutMs: LONG, keepAliveTimeoutMs: LONG },
      store, liveness: () => {}, logger: quietLogger(), WebSocket: Ws, clock });
    try {
      keeper.tabs.add('a', 'lock-a', { postMessage() {}, close() {} } as unknown as MessagePort);
      keeper.tabs.add('b', 'lock-b', { postMessage() {}, close() {} } as unknown as MessagePort);
      await keeper.create();
      const { handleId } = await keeper.attach('a', 'janus.plugin.echotest');
      const answeredAt = clock.now();
      clock.jump(5_000);
      await keeper.attach('b', 'janus.plugin.echotest', { handleId, take: true }); // a write, no request
      await waitFor('the move stored', async () => (await store.load(keeper.key))?.handles[0]?.owner === 'b');
      assert.equal((await store.load(keeper.key))?.savedAt, answeredAt);
    } finally {
      await keeper.destroy();
    }
  });

  it('a claim refused after a drop gives session-lost at the 458, long before the reclaim window passes', async () => {
    const proxy = await startFaultProxy(janus().ports.ws);
    const clock = new FakeClock();
    const keeper = keeperOn(proxy.via(janus().wsUrl), clock);
    try {
      const { sessionId } = await keeper.create();
      const lost: { code?: number }[] = [];
      keeper.on('session-lost', (event) => lost.push(event));
      proxy.setMode('refuse');
      proxy.reset();
      const droppedAt = clock.now();
      await waitFor('reconnecting', () => keeper.state === 'reconnecting');
      await rawDestroy(janus().wsUrl, sessionId); // Janus no longer has it
      const attemptsBefore = keeper.snapshot().stats.connections;
      proxy.setMode('pass');
      await attemptsUntil(clock, keeper, () => keeper.state === 'lost');
      assert.equal(keeper.state, 'lost');
      assert.deepEqual(lost.map((event) => event.code), [458]);
      assert.ok(clock.now() - droppedAt < 30_000, `lost after ${clock.now() - droppedAt} fake ms: at the 458, not the window`);
      assert.equal(keeper.snapshot().stats.connections - attemptsBefore, 1, 'one claim reached Janus, refused: no more');
    } finally {
      await keeper.destroy();
      await proxy.close();
    }
  });

  it('online() claims at once instead of after the backoff (a local cause)', async () => {
    const proxy = await startFaultProxy(janus().ports.ws);
    const clock = new FakeClock();
    const keeper = keeperOn(proxy.via(janus().wsUrl), clock, { backoff: { baseMs: 120_000, capMs: 120_000, floorMs: 60_000 } });
    try {
      const { sessionId } = await keeper.create();
      proxy.reset();
      await waitFor('reconnecting', () => keeper.state === 'reconnecting');
      assert.ok(keeper.snapshot().nextRetryAt! - clock.now() >= 60_000, 'the backoff alone would wait a minute');
      keeper.online();
      assert.ok(keeper.snapshot().nextRetryAt! - clock.now() <= 1_000, 'at once, within the local spacing');
      await clock.advance(1_000);
      await waitFor('ready', () => keeper.state === 'ready');
      assert.equal(keeper.state, 'ready');
      assert.equal(keeper.snapshot().sessionId, sessionId);
      assert.equal(keeper.snapshot().cause, 'claimed after a drop');
    } finally {
      await keeper.destroy();
      await proxy.close();
    }
  });

  it('reaches the per-minute attempt limit and never passes it', async () => {
    const proxy = await startFaultProxy(janus().ports.ws);
    const clock = new FakeClock();
    const keeper = keeperOn(proxy.via(janus().wsUrl), clock, { maxAttemptsPerMinute: 3, backoff: { baseMs: 20, capMs: 40, floorMs: 10 } });
    try {
      const start = clock.now();
      await keeper.create(); // attempt 1 of the minute
      proxy.setMode('refuse');
      proxy.reset();
      await attemptsUntil(clock, keeper, () => keeper.snapshot().stats.connections >= 3);
      await drive(clock, () => false, 5_000, 100); // the next retries come due: the limit holds them
      assert.equal(keeper.snapshot().stats.connections, 3, 'the limit reached within the minute, not passed');
      const { nextRetryAt } = keeper.snapshot();
      assert.equal(nextRetryAt, start + 60_000, 'the next attempt waits for the minute to pass since the first');
      await clock.advance(nextRetryAt! - clock.now());
      await waitFor('the fourth attempt', () => keeper.snapshot().stats.connections === 4);
    } finally {
      await keeper.destroy();
      await proxy.close();
    }
  });
});

describe('a refused token with no provider: no attempt until a new token comes (token_auth Janus)', () => {
  const janus = useJanus({ sessionTimeout: 60, reclaimTimeout: 30, tokenAuth: true });

  it('after a restart forgot the token: waits, no attempt in 2 fake minutes; setToken resumes at once', async () => {
    await janus().addToken('good-token');
    const clock = new FakeClock();
    const keeper = keeperOn(janus().wsUrl, clock, { token: 'good-token', autoRecreate: true });
    try {
      await keeper.create();
      await janus().restart('SIGKILL'); // tokens live in Janus's memory: gone
      await waitFor('the drop seen', () => keeper.state !== 'ready');
      await attemptsUntil(clock, keeper, () => /TokenRefusedError/.test(keeper.snapshot().cause ?? '')
        && keeper.snapshot().nextRetryAt === undefined);
      assert.match(keeper.snapshot().cause ?? '', /TokenRefusedError.*403/);
      const { connections } = keeper.snapshot().stats;
      await drive(clock, () => false, 120_000, 1_000);
      assert.equal(keeper.snapshot().stats.connections, connections, 'no create or claim with the refused token');
      await janus().addToken('new-token');
      keeper.setToken('new-token');
      await drive(clock, () => keeper.state === 'ready', 10_000);
      assert.equal(keeper.state, 'ready');
      assert.equal(keeper.snapshot().cause?.includes('Token'), false);
    } finally {
      await keeper.destroy().catch(() => {});
    }
  });
});
