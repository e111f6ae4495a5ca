import assert from 'node:assert/strict';
import { AttemptLimit } from '../src/worker/recovery/attempt-limit.js';
import { describe, it } from 'node:test';
import { deserializeError, serializeError } from '../src/bridge/errors.js';
import { JanusError, SessionReclaimException, TimeoutError, TransportError } from '../src/janus/index.js';
import { memoryStore, parseStoredSession, STORE_VERSION, type StoredSession } from '../src/worker/record/store.js';

describe('stored session records', () => {
  const server = 'ws://127.0.0.1:1';
  const good: StoredSession = { version: STORE_VERSION, server, sessionId: 123456789, savedAt: 1, handles: [{ handleId: 5, plugin: 'p', owner: 't' }] };

  it('accepts a well-formed record', () => {
    assert.deepEqual(parseStoredSession(good, server), good);
  });

  it('keeps the mark of a lost session\'s handles awaiting their restore (only a true one)', () => {
    const awaiting: StoredSession = { ...good, awaitingRestore: true };
    assert.deepEqual(parseStoredSession(awaiting, server), awaiting);
    assert.deepEqual(parseStoredSession({ ...good, awaitingRestore: 'yes' }, server), good);
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

describe('AttemptLimit', () => {
  it('lets perMinute attempts through, then says how long until the oldest leaves the minute', () => {
    let now = 1_000_000;
    const limit = new AttemptLimit(3, () => now);
    assert.equal(limit.sinceLastMs(), Infinity);
    for (let i = 0; i < 3; i++) {
      assert.equal(limit.waitMs(), 0);
      limit.record();
      now += 1_000;
    }
    assert.equal(limit.waitMs(), 57_000);
    assert.equal(limit.sinceLastMs(), 1_000);
    now += 57_000;
    assert.equal(limit.waitMs(), 0);
  });
});
