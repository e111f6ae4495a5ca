// One deadline timer per link (src/client/deadline.ts), on a fake clock: counts, not timings.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DeadlineQueue } from '../src/client/deadline.js';
import { FakeClock } from './fake-clock.js';

const MS = 1_000;

function counted(clock: FakeClock): FakeClock & { armed: number } {
  const armed = Object.assign(clock, { armed: 0 });
  const setTimeout = clock.setTimeout.bind(clock);
  armed.setTimeout = (callback, ms) => {
    armed.armed++;
    return setTimeout(callback, ms);
  };
  return armed;
}

describe('DeadlineQueue', () => {
  it('arms one timer for any number of calls in flight; a call that settled never expires', async () => {
    const clock = counted(new FakeClock());
    const expired: number[] = [];
    const queue = new DeadlineQueue<number>(MS, (call) => expired.push(call), clock);
    for (let call = 0; call < 50; call++) queue.add(call);
    for (let call = 0; call < 50; call += 2) queue.delete(call);
    assert.equal(clock.armed, 1);
    await clock.advance(MS - 1);
    assert.deepEqual(expired, []);
    await clock.advance(1);
    assert.deepEqual(expired, Array.from({ length: 25 }, (_, i) => 2 * i + 1));
    assert.equal(clock.nextAt, undefined, 'an empty queue holds no timer');
  });

  it('calls made later expire at their own deadline, in order, on one timer re-armed for the next', async () => {
    const clock = counted(new FakeClock());
    const expired: string[] = [];
    const queue = new DeadlineQueue<string>(MS, (call) => expired.push(call), clock);
    queue.add('a');
    await clock.advance(300);
    queue.add('b');
    await clock.advance(300);
    queue.add('c');
    queue.delete('a');
    await clock.advance(400); // a's deadline: nothing due, the timer waits for b
    assert.deepEqual(expired, []);
    await clock.advance(300);
    assert.deepEqual(expired, ['b']);
    await clock.advance(300);
    assert.deepEqual(expired, ['b', 'c']);
    assert.equal(clock.armed, 3);
  });

  it('a call made while calls expire, and clear() releases the timer', async () => {
    const clock = counted(new FakeClock());
    const expired: number[] = [];
    const queue = new DeadlineQueue<number>(MS, (call) => {
      expired.push(call);
      if (call === 1) queue.add(2); // e.g. a retry made from the timeout's handler
    }, clock);
    queue.add(1);
    await clock.advance(MS);
    assert.deepEqual(expired, [1]);
    assert.equal(clock.nextAt, clock.now() + MS, 'one timer, for the new call');
    queue.clear();
    assert.equal(clock.nextAt, undefined);
    await clock.advance(2 * MS);
    assert.deepEqual(expired, [1]);
  });
});
