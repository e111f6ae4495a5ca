// Units of the keeper core, each on its own: the state machine's table and generations, the
// recovery owner's cancellable waits, the emitter's listener isolation, the IndexedDB store
// opening again after a failure (fake-indexeddb: Node has no IndexedDB), errors' `local` across
// the worker boundary.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import 'fake-indexeddb/auto';
import { deserializeError, serializeError } from '../src/bridge/errors.js';
import { DestroyedError, Emitter, TransportError } from '../src/janus/index.js';
import { Recovery } from '../src/worker/recovery/recovery.js';
import { IllegalTransitionError, SessionMachine } from '../src/worker/session/session-machine.js';
import { indexedDbStore, STORE_VERSION, type StoredSession } from '../src/worker/record/store.js';
import { DEFAULT_BACKOFF } from '../src/worker/recovery/backoff.js';
import { FakeClock } from './fake-clock.js';

describe('SessionMachine', () => {
  it('allows the table\'s transitions only, and tells a stale step why it is stale', () => {
    const machine = new SessionMachine(new FakeClock(), () => {});
    assert.throws(() => machine.go('ready', 'x'), IllegalTransitionError, 'idle -> ready skips connecting');
    machine.go('connecting', 'create');
    machine.go('ready', 'created');
    assert.throws(() => machine.go('connecting', 'x'), IllegalTransitionError);
    const epoch = machine.epoch;
    machine.check(epoch, 'ok');
    machine.bump('destroyed');
    assert.throws(() => machine.check(epoch, 'bind'), DestroyedError);
    const next = machine.epoch;
    machine.bump('no tab left');
    assert.throws(() => machine.check(next, 'bind'), (error: Error) => error instanceof TransportError && !(error instanceof DestroyedError));
  });

  it('untilReady settles on ready, on idle, on lost unless recreating, and on its deadline', async () => {
    const clock = new FakeClock();
    const machine = new SessionMachine(clock, () => {});
    machine.go('connecting', 'create');
    const ready = machine.untilReady(1_000, () => false);
    machine.go('ready', 'created');
    await ready;
    machine.go('lost', 'gone');
    await assert.rejects(machine.untilReady(1_000, () => false), TransportError);
    const waiting = assert.rejects(machine.untilReady(1_000, () => true), /not reachable again within 1000 ms/);
    await clock.advance(1_000);
    await waiting;
  });
});

describe('Recovery', () => {
  const recoveryOn = (clock: FakeClock, maxAttemptsPerMinute = 60) =>
    new Recovery({ clock, random: () => 0.5, backoff: DEFAULT_BACKOFF, maxAttemptsPerMinute });

  it('cancel() ends every wait at once and disarms the scheduled attempt', async () => {
    const clock = new FakeClock();
    const recovery = recoveryOn(clock);
    let ran = 0;
    recovery.later('server', () => ran++);
    const waited = recovery.wait(60_000);
    recovery.cancel();
    assert.equal(await waited, false);
    await clock.advance(120_000);
    assert.equal(ran, 0);
    assert.equal(recovery.dueAt, undefined);
  });

  it('the attempt limit waits for the minute, and a cancelled slot says so', async () => {
    const clock = new FakeClock();
    const recovery = recoveryOn(clock, 2);
    assert.equal(await recovery.slot(() => {}), true);
    assert.equal(await recovery.slot(() => {}), true);
    let waitUntil = 0;
    const third = recovery.slot((at) => (waitUntil = at));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(waitUntil, clock.now() + 60_000);
    recovery.cancel();
    assert.equal(await third, false);
  });

  it('soon() spaces local retries a second apart and never delays a sooner scheduled attempt', async () => {
    const clock = new FakeClock();
    const recovery = recoveryOn(clock);
    await recovery.slot(() => {});
    assert.equal(recovery.soon(() => {}), clock.now() + 1_000);
    const at = recovery.later('local', () => {});
    assert.equal(recovery.soon(() => {}), at);
  });
});

describe('Emitter', () => {
  it('a listener that throws is reported, and neither the emitter nor the other listeners notice', () => {
    const emitter = new Emitter<{ ping: number }>();
    const seen: number[] = [];
    const reported: unknown[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => void reported.push(args);
    try {
      emitter.on('ping', () => {
        throw new Error('listener bug');
      });
      emitter.on('ping', (n) => seen.push(n));
      assert.doesNotThrow(() => emitter.emit('ping', 1));
    } finally {
      console.error = original;
    }
    assert.deepEqual(seen, [1]);
    assert.equal(reported.length, 1);
  });
});

describe('indexedDbStore', () => {
  it('an open that failed is tried again by the next call, and a record round-trips', async () => {
    // A database of a newer version than the store's: its open fails (VersionError), as a blocked
    // or broken IndexedDB would; once that is cleared, the next call must open again.
    const name = 'janus-keeper-retry';
    await new Promise<void>((resolve) => {
      const request = indexedDB.open(name, 2);
      request.onsuccess = () => {
        request.result.close();
        resolve();
      };
    });
    const store = indexedDbStore(name, () => {});
    await assert.rejects(store.load('ws://x'));
    await new Promise((resolve) => {
      indexedDB.deleteDatabase(name).onsuccess = resolve;
    });
    const record: StoredSession = { version: STORE_VERSION, server: 'ws://x', sessionId: 123456789, handles: [], savedAt: 1 };
    await store.save(record);
    assert.deepEqual(await store.load('ws://x'), record);
  });
});

describe('errors across the worker boundary', () => {
  it('TransportError keeps `local`', () => {
    const copy = deserializeError(structuredClone(serializeError(new TransportError('slept', { local: true }))!));
    assert.ok(copy instanceof TransportError);
    assert.equal((copy as TransportError).local, true);
  });
});
