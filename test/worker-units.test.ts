import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deserializeError, serializeError } from '../src/bridge/errors.js';
import { JanusError, SessionReclaimException, TimeoutError, TransportError } from '../src/janus/index.js';
import { DEFAULT_BACKOFF, retryDelay } from '../src/worker/backoff.js';
import { memoryStore, parseStoredSession, STORE_VERSION, type StoredSession } from '../src/worker/store.js';

/** A seeded random source (mulberry32), so every run checks the same 10,000 draws. */
function seeded(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('retryDelay (full jitter, capped exponent)', () => {
  it('stays within [floor, cap] with no NaN over 10,000 attempts, and keeps its jitter at the cap', () => {
    const random = seeded(42);
    const delays: number[] = [];
    for (let attempt = 0; attempt < 10_000; attempt++) delays.push(retryDelay(attempt, random));
    assert.ok(delays.every((d) => Number.isFinite(d) && d >= DEFAULT_BACKOFF.floorMs && d <= DEFAULT_BACKOFF.capMs));
    const late = delays.slice(100);
    const mean = late.reduce((a, b) => a + b, 0) / late.length;
    assert.ok(Math.abs(mean - DEFAULT_BACKOFF.capMs / 2) < 60, `mean at the cap ${mean}`);
    assert.ok(new Set(late).size > 1000, 'still jittered at the cap');
  });

  it('grows from the base and never returns less than the floor', () => {
    assert.equal(retryDelay(0, () => 0), DEFAULT_BACKOFF.floorMs);
    assert.equal(retryDelay(0, () => 0.999999), DEFAULT_BACKOFF.baseMs - 1);
    assert.equal(retryDelay(2, () => 0.5), 500);
    assert.equal(retryDelay(1e9, () => 0.5), DEFAULT_BACKOFF.capMs / 2);
    assert.equal(retryDelay(Infinity, () => 0.5), DEFAULT_BACKOFF.capMs / 2);
    assert.equal(retryDelay(NaN, () => 0.5), DEFAULT_BACKOFF.baseMs / 2);
  });
});

describe('stored session records', () => {
  const server = 'ws://127.0.0.1:1';
  const good: StoredSession = { version: STORE_VERSION, server, sessionId: 123456789, savedAt: 1, handles: [{ handleId: 5, plugin: 'p', owner: 't' }] };

  it('accepts a well-formed record', () => {
    assert.deepEqual(parseStoredSession(good, server), good);
  });

  it('discards every malformed record', () => {
    const bad: unknown[] = [null, 42, 'x', [], { ...good, version: 2 }, { ...good, server: 'other' },
      { ...good, sessionId: '123' }, { ...good, sessionId: 0 }, { ...good, sessionId: 2 ** 53 + 2 },
      { ...good, savedAt: 'yesterday' }, { ...good, handles: 7 }, { ...good, handles: [{ handleId: -1, plugin: 'p', owner: 't' }] },
      { ...good, handles: [{ handleId: 5, plugin: '', owner: 't' }] }, { ...good, handles: [{ handleId: 5, plugin: 'p' }] }];
    for (const record of bad) assert.equal(parseStoredSession(record, server), undefined, JSON.stringify(record));
  });

  it('the memory store round-trips and forgets', async () => {
    const store = memoryStore();
    await store.save(good);
    assert.deepEqual(await store.load(server), good);
    await store.clear(server);
    assert.equal(await store.load(server), undefined);
  });
});

describe('errors across the worker boundary', () => {
  it('keep class, name, code, reason and sessionId through structured clone', () => {
    const cases = [new SessionReclaimException(458, 'No such session', 99), new JanusError(460, 'No such plugin'),
      new TimeoutError('slow', 1000), new TransportError('gone')];
    for (const original of cases) {
      const copy = deserializeError(structuredClone(serializeError(original)!));
      assert.equal(copy.constructor, original.constructor);
      assert.equal(copy.name, original.name);
      assert.equal(copy.message, original.message);
      for (const field of ['code', 'reason', 'sessionId', 'timeoutMs']) {
        assert.equal((copy as any)[field], (original as any)[field], field);
      }
    }
    assert.equal(serializeError(new RangeError('not ours')), undefined);
  });
});
