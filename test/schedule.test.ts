// The reconnection schedule as a pure function, and the keeper driven by a fake clock against a
// real Janus: the backoff is not reset by a link that drops at once, and a wake from sleep claims.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startFaultProxy } from '../e2e/fixtures/fault-proxy.js';
import { JanusSession } from '../src/janus/index.js';
import { DEFAULT_BACKOFF, retryDelay } from '../src/worker/recovery/backoff.js';
import { Keeper } from '../src/worker/keeper.js';
import { memoryStore } from '../src/worker/record/store.js';
import { FakeClock, seeded } from './fake-clock.js';
import { nodeOptions, quietLogger, useJanus, waitFor } from './helpers.js';

const { floorMs, baseMs, capMs } = DEFAULT_BACKOFF;
const ceiling = (attempt: number) => Math.min(capMs, baseMs * 2 ** Math.min(attempt, 30));

describe('retryDelay: full jitter, capped exponent, a floor', () => {
  it('over 10,000 attempts: never NaN, never below the floor or above the cap, mean within 10 % of the formula', () => {
    const random = seeded(42);
    let sum = 0;
    let expected = 0;
    for (let attempt = 0; attempt < 10_000; attempt++) {
      const delay = retryDelay(attempt, 'server', random);
      assert.ok(Number.isFinite(delay) && delay >= floorMs && delay <= capMs, `attempt ${attempt}: ${delay}`);
      sum += delay;
      expected += (floorMs + ceiling(attempt)) / 2;
    }
    assert.ok(Math.abs(sum / expected - 1) < 0.1, `mean ${sum / 10_000} vs ${expected / 10_000}`);
  });

  it('spreads a crowd: first retries uniform over [floor, base), still jittered at the cap', () => {
    const random = seeded(7);
    const first = Array.from({ length: 10_000 }, () => retryDelay(0, 'server', random));
    const mean = first.reduce((a, b) => a + b, 0) / first.length;
    assert.ok(Math.abs(mean / ((floorMs + baseMs) / 2) - 1) < 0.1, `first-retry mean ${mean}`);
    assert.ok(Math.max(...first) < baseMs && Math.min(...first) >= floorMs);
    const atCap = Array.from({ length: 1_000 }, () => retryDelay(1_000, 'server', random));
    assert.ok(new Set(atCap).size > 500, 'no lockstep at the cap');
  });

  it('local causes never wait; bad attempt counts stay finite', () => {
    const random = seeded(1);
    for (let attempt = 0; attempt < 10_000; attempt++) assert.equal(retryDelay(attempt, 'local', random), 0);
    for (const attempt of [NaN, Infinity, -Infinity, -5, 1e308]) {
      const delay = retryDelay(attempt, 'server', () => 0.5);
      assert.ok(Number.isFinite(delay) && delay >= floorMs && delay <= capMs, `${attempt}: ${delay}`);
    }
  });
});

describe('the keeper on a fake clock, against a real Janus', () => {
  const janus = useJanus({ sessionTimeout: 60, reclaimTimeout: 30 });

  // Deadlines run on the fake clock too: where time jumps while real Janus answers are on their way,
  // a test gives them more fake time than it jumps.
  const keeperOn = (server: string, clock: FakeClock, deadlinesMs?: number) => new Keeper({
    config: deadlinesMs ? { server, requestTimeoutMs: deadlinesMs, keepAliveTimeoutMs: deadlinesMs } : { server }, store: memoryStore(), standalone: true, liveness: () => {}, logger: quietLogger(),
    WebSocket: nodeOptions(server).WebSocket!, clock, random: () => 0.5,
  });

  const untilState = (keeper: Keeper, state: string) => waitFor(`state ${state}`, () => keeper.state === state, 10_000, 2);

  /** Drops the link at once after every successful claim; returns the delays the keeper chose. */
  async function dropEveryLink(keeper: Keeper, clock: FakeClock, drop: () => void, fakeMs: number): Promise<number[]> {
    const delays: number[] = [];
    const start = clock.now();
    while (clock.now() - start < fakeMs) {
      drop();
      await untilState(keeper, 'reconnecting');
      delays.push(keeper.snapshot().nextRetryAt! - clock.now());
      await clock.advance(keeper.snapshot().nextRetryAt! - clock.now());
      await untilState(keeper, 'ready');
    }
    return delays;
  }

  it('a server that accepts and drops at once does not reset the backoff (60 fake seconds)', async () => {
    const proxy = await startFaultProxy(janus().ports.ws);
    const clock = new FakeClock();
    const keeper = keeperOn(proxy.via(janus().wsUrl), clock);
    try {
      const { sessionId } = await keeper.create();
      const delays = await dropEveryLink(keeper, clock, () => proxy.reset(), 60_000);
      const schedule = delays.map((_, attempt) => retryDelay(attempt, 'server', () => 0.5));
      assert.deepEqual(delays, schedule, 'each retry waits the next step of the schedule');
      // A reset-on-connect bug would retry every ~560 ms: over 100 times in 60 s.
      assert.ok(delays.length <= 35, `${delays.length} reconnections in 60 fake seconds`);
      assert.equal(keeper.snapshot().sessionId, sessionId);
      assert.equal(keeper.snapshot().stats.creates, 1);
    } finally {
      await keeper.destroy();
      await proxy.close();
    }
  });

  it('the backoff starts over once a link stayed up resetAfterMs', async () => {
    const proxy = await startFaultProxy(janus().ports.ws);
    const clock = new FakeClock();
    const keeper = keeperOn(proxy.via(janus().wsUrl), clock, 10 * DEFAULT_BACKOFF.resetAfterMs);
    try {
      await keeper.create();
      await dropEveryLink(keeper, clock, () => proxy.reset(), 5_000);
      const { keepalives } = keeper.snapshot().stats;
      await clock.advance(DEFAULT_BACKOFF.resetAfterMs); // keepalives run meanwhile, for real
      await waitFor('keepalives answered', () => keeper.snapshot().stats.keepalives > keepalives);
      assert.equal(keeper.state, 'ready');
      const [delay] = await dropEveryLink(keeper, clock, () => proxy.reset(), 1);
      assert.equal(delay, retryDelay(0, 'server', () => 0.5));
    } finally {
      await keeper.destroy();
      await proxy.close();
    }
  });

  it('a wake from a sleep longer than the session timeout claims at once instead of a keepalive', async () => {
    const clock = new FakeClock();
    const keeper = keeperOn(janus().wsUrl, clock);
    try {
      const { sessionId } = await keeper.create();
      const causes: string[] = [];
      const retries: number[] = [];
      keeper.on('state', (state) => {
        causes.push(`${state.state}: ${state.cause}`);
        if (state.state === 'reconnecting' && state.nextRetryAt !== undefined) retries.push(state.nextRetryAt - clock.now());
      });
      clock.jump(61_000);
      await clock.advance(0); // the overdue keepalive timer fires now, and the claim at once
      await untilState(keeper, 'ready');
      assert.deepEqual(retries, [0], 'no backoff wait');
      const { stats } = keeper.snapshot();
      assert.equal(stats.keepalives, 0, 'no keepalive sent into the slept link');
      assert.equal(stats.claims, 1);
      assert.equal(keeper.snapshot().sessionId, sessionId);
      assert.match(causes.join('\n'), /reconnecting: Woke up after a sleep/);
    } finally {
      await keeper.destroy();
    }
  });

  it('a wake whose claim Janus refuses (458) takes the session-lost path', async () => {
    const clock = new FakeClock();
    const keeper = keeperOn(janus().wsUrl, clock);
    try {
      const { sessionId } = await keeper.create();
      const lost: { reason: string; code?: number }[] = [];
      keeper.on('session-lost', (event) => lost.push(event));
      // Janus drops the session while this machine sleeps (here: another client ends it).
      const other = await JanusSession.create(nodeOptions(janus().wsUrl, { sessionId }));
      await other.destroy();
      clock.jump(61_000);
      await clock.advance(0);
      await clock.advance(0);
      await untilState(keeper, 'lost');
      assert.equal(lost[0]?.code, 458);
      assert.equal(keeper.snapshot().sessionId, undefined);
    } finally {
      await keeper.destroy().catch(() => {});
    }
  });
});
