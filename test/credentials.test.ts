// Units of `Credentials` (src/janus/credentials/credentials.ts) on a fake clock: the ahead-of-expiry renewal of a
// signed token while held, `ready()`, single flight, the provider's failures and their backoff.
// Times are counted on the fake clock only (no real sleep, no timed assertion). setToken/offer,
// refused tokens, `sendAuthorized` and no token in any message: test/credentials-refusals.test.ts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Credentials, TokenProviderError, type TokenProvider } from '../src/janus/index.js';
import { signed, flush, track, record, rejection, scripted } from './credentials-fakes.js';
import { FakeClock } from './fake-clock.js';

describe('Credentials', () => {
  it('renews a held signed token at min(75% of its life, expiry - 5 s) but no sooner than 1 s after it came, not while nobody holds, and stops when the last holder releases', async () => {
    const clock = new FakeClock();
    const start = clock.now();
    // Lives of the tokens the provider gives, in order: renewed at 75 s, 5 s (expiry - 5 s), 1 s (the floor), 75 s, 75 s.
    const lives = [100_000, 10_000, 4_000, 100_000, 100_000];
    const credentials = new Credentials({ clock, token: () => signed(clock.now() + lives.shift()!) });
    const { renewed, failed } = record(credentials);
    const releaseA = credentials.hold();
    const releaseB = credentials.hold();

    await credentials.ready();
    assert.equal(credentials.providerCalls, 1);
    assert.equal(credentials.expiresAt, start + 100_000);

    // 75% of a 100 s life (before expiry - 5 s = 95 s).
    await clock.advance(74_999);
    assert.equal(credentials.providerCalls, 1, 'not before 75% of its life');
    await clock.advance(1);
    assert.equal(credentials.providerCalls, 2, 'at 75% of its life');
    await flush();
    assert.equal(credentials.expiresAt, start + 75_000 + 10_000);
    assert.equal(credentials.fields().token, signed(start + 85_000));

    // A 10 s life: expiry - 5 s (5 s) comes before 75% (7.5 s).
    await clock.advance(4_999);
    assert.equal(credentials.providerCalls, 2, 'not before expiry - 5 s');
    await clock.advance(1);
    assert.equal(credentials.providerCalls, 3, 'at expiry - 5 s');
    await flush();

    // A 4 s life: expiry - 5 s has passed when it comes: 1 s after it came, not at once.
    await clock.advance(999);
    assert.equal(credentials.providerCalls, 3, 'no sooner than 1 s after it came');
    await clock.advance(1);
    assert.equal(credentials.providerCalls, 4, '1 s after it came');
    await flush();

    // One holder releases (twice: the second release does nothing): the other still holds.
    releaseA();
    releaseA();
    await clock.advance(75_000);
    assert.equal(credentials.providerCalls, 5, 'renewed while one holder is left');
    await flush();

    // The last holder releases: the timer stops.
    releaseB();
    assert.equal(clock.nextAt, undefined, 'no timer left once nobody holds');
    await clock.advance(10 * 60_000);
    assert.equal(credentials.providerCalls, 5, 'not renewed once nobody holds');
    assert.deepEqual(renewed.map((event) => event.by), ['provider', 'provider', 'provider', 'provider', 'provider']);
    assert.deepEqual(failed, []);
  });

  it('does not renew a signed token ahead of its expiry while nobody holds it, and renews at once when held past its renewal point', async () => {
    const clock = new FakeClock();
    const credentials = new Credentials({ clock, token: () => signed(clock.now() + 100_000) });
    await credentials.ready();
    assert.equal(credentials.providerCalls, 1);
    assert.equal(clock.nextAt, undefined, 'no renewal timer without a holder');
    await clock.advance(10 * 60_000);
    assert.equal(credentials.providerCalls, 1, 'not renewed in 10 minutes with no holder');

    const release = credentials.hold();
    await clock.advance(0);
    assert.equal(credentials.providerCalls, 2, 'held past its renewal point: renewed at once');
    release();
  });

  it('ready() asks the provider when there is no token or it expires within 5 s, and not otherwise', async () => {
    const clock = new FakeClock();
    const start = clock.now();
    const credentials = new Credentials({ clock, token: () => signed(clock.now() + 10_000) });

    await credentials.ready();
    assert.equal(credentials.providerCalls, 1, 'no token: asked');
    await credentials.ready();
    assert.equal(credentials.providerCalls, 1, 'expires in 10 s: not asked');
    await clock.advance(5_000);
    await credentials.ready();
    assert.equal(credentials.providerCalls, 1, 'expires in exactly 5 s: not asked');
    await clock.advance(1);
    await credentials.ready();
    assert.equal(credentials.providerCalls, 2, 'expires within 5 s: asked');
    assert.equal(credentials.expiresAt, start + 15_000, 'the fresh token (Janus counts whole seconds)');

    // An unsigned token (no expiry known) is never asked again by ready().
    const unsigned = new Credentials({ clock, token: () => 'plain-token' });
    await unsigned.ready();
    await clock.advance(10 * 60_000);
    await unsigned.ready();
    assert.equal(unsigned.providerCalls, 1, 'an unsigned token: asked once');
  });

  it('a static string token never calls anything: ready() resolves at once, nothing is scheduled, even when held and expired', async () => {
    const clock = new FakeClock();
    const token = signed(clock.now() + 3_000);
    const credentials = new Credentials({ clock, token, apiSecret: 'the-secret' });
    const { renewed, failed } = record(credentials);
    const release = credentials.hold();
    assert.equal(clock.nextAt, undefined, 'no timer for a static token');
    const ready = track(credentials.ready());
    await flush();
    assert.ok(ready.settled, 'ready() resolved without any time passing');
    await clock.advance(10 * 60_000);
    await credentials.ready();
    assert.equal(credentials.providerCalls, 0);
    assert.equal(credentials.renewable, false);
    assert.deepEqual(credentials.fields(), { token, apisecret: 'the-secret' });
    assert.deepEqual(renewed, []);
    assert.deepEqual(failed, []);
    release();

    const none = new Credentials({ clock });
    await none.ready();
    assert.deepEqual(none.fields(), {});
  });

  it('single flight: concurrent renew() and ready() calls share one provider call, and the next ask after it settles calls again', async () => {
    const clock = new FakeClock();
    const answers: ((token: string) => void)[] = [];
    const credentials = new Credentials({ clock, token: () => new Promise<string>((resolve) => answers.push(resolve)) });
    const { renewed } = record(credentials);

    const all = Promise.all([credentials.ready(), credentials.ready(), credentials.renew(undefined), credentials.renew(undefined)]);
    assert.equal(credentials.providerCalls, 1);
    await flush();
    assert.equal(answers.length, 1, 'the provider ran once');
    answers[0]!('token-1');
    await all;
    assert.equal(credentials.fields().token, 'token-1');
    assert.equal(renewed.length, 1);

    // Three requests refused with token-1 at once: one call for all of them.
    const again = Promise.all([credentials.renew('token-1'), credentials.renew('token-1'), credentials.renew('token-1')]);
    assert.equal(credentials.providerCalls, 2);
    await flush();
    assert.equal(answers.length, 2);
    answers[1]!('token-2');
    await again;
    assert.equal(credentials.fields().token, 'token-2');
    assert.equal(renewed.length, 2);
  });

  it('single flight on failure: concurrent asks share one failing provider call and all reject with the same error', async () => {
    const clock = new FakeClock();
    const failures: ((error: Error) => void)[] = [];
    const credentials = new Credentials({ clock, token: () => new Promise<string>((_, reject) => failures.push(reject)) });
    const asks = [credentials.ready(), credentials.renew(undefined), credentials.ready()].map(rejection);
    await flush();
    assert.equal(credentials.providerCalls, 1);
    failures[0]!(new Error('backend down'));
    const errors = await Promise.all(asks);
    assert.ok(errors[0] instanceof TokenProviderError);
    assert.equal(errors[1], errors[0]);
    assert.equal(errors[2], errors[0]);
  });

  it('renew(refused) does not call the provider when the current token already differs from the refused one', async () => {
    const clock = new FakeClock();
    const credentials = new Credentials({ clock, token: () => 'from-provider' });
    credentials.setToken('newer-token');
    await credentials.renew('older-token');
    assert.equal(credentials.providerCalls, 0);
    assert.equal(credentials.fields().token, 'newer-token');
    assert.equal(credentials.refusals, 1, 'the refusal is counted');

    // The refused one is the current one: then the provider is asked.
    await credentials.renew('newer-token');
    assert.equal(credentials.providerCalls, 1);
    assert.equal(credentials.fields().token, 'from-provider');
  });

  it('a provider that throws or rejects fails with TokenProviderError reason "threw" (its error the cause), emits failed and sets failure', async () => {
    const clock = new FakeClock();
    const thrown = new Error('backend said no');
    const credentials = new Credentials({ clock, token: scripted([thrown]) });
    const { failed } = record(credentials);
    const error = await rejection(credentials.ready());
    assert.ok(error instanceof TokenProviderError);
    assert.equal(error.reason, 'threw');
    assert.equal(error.cause, thrown);
    assert.deepEqual(failed, [error]);
    assert.equal(credentials.failure, error);

    const rejecting = new Credentials({ clock, token: () => Promise.reject(new Error('fetch failed')) });
    const rejected = await rejection(rejecting.renew(undefined));
    assert.ok(rejected instanceof TokenProviderError);
    assert.equal(rejected.reason, 'threw');
    assert.equal(rejecting.failure, rejected);
  });

  it('a provider that never settles fails with reason "timeout" after providerTimeoutMs of fake time, not before', async () => {
    const clock = new FakeClock();
    const credentials = new Credentials({ clock, providerTimeoutMs: 3_000, token: () => new Promise<string>(() => {}) });
    const { failed } = record(credentials);
    const ready = credentials.ready();
    const state = track(ready);
    await clock.advance(2_999);
    await flush();
    assert.equal(state.settled, false, 'still waiting 1 ms before the deadline');
    assert.deepEqual(failed, []);
    await clock.advance(1);
    const error = await rejection(ready);
    assert.ok(error instanceof TokenProviderError);
    assert.equal(error.reason, 'timeout');
    assert.deepEqual(failed, [error]);
    assert.equal(credentials.failure, error);
    assert.equal(credentials.providerCalls, 1);
  });

  it('a provider that gives 42, an empty string or a string with a newline fails with reason "invalid", each emitting failed', async () => {
    for (const bad of [42, '', 'abc\ndef']) {
      const clock = new FakeClock();
      const credentials = new Credentials({ clock, token: (() => bad) as unknown as TokenProvider });
      const { failed, renewed } = record(credentials);
      const error = await rejection(credentials.ready());
      assert.ok(error instanceof TokenProviderError, `for ${JSON.stringify(bad)}`);
      assert.equal(error.reason, 'invalid');
      assert.deepEqual(failed, [error]);
      assert.equal(credentials.failure, error);
      assert.deepEqual(renewed, []);
      assert.deepEqual(credentials.fields(), {}, 'nothing taken');
    }
  });

  it('backoff: after a failure, asks within the wait reject with the same error without calling; the wait doubles 1, 2, 4 ... s and caps at 60 s', async () => {
    const clock = new FakeClock();
    const credentials = new Credentials({ clock, token: () => { throw new Error('down'); } });
    const { failed } = record(credentials);
    await rejection(credentials.ready());
    assert.equal(credentials.providerCalls, 1);

    const waits = [1, 2, 4, 8, 16, 32, 60, 60, 60].map((seconds) => seconds * 1000);
    for (const [index, wait] of waits.entries()) {
      const last = credentials.failure;
      await clock.advance(wait - 1);
      assert.equal(await rejection(credentials.ready()), last, `1 ms before the ${wait} ms wait ends: the same error`);
      assert.equal(await rejection(credentials.renew(undefined)), last);
      assert.equal(credentials.providerCalls, index + 1, `no call during the ${wait} ms wait`);
      await clock.advance(1);
      const error = await rejection(credentials.ready());
      assert.ok(error instanceof TokenProviderError);
      assert.notEqual(error, last, 'a fresh failure once the wait is over');
      assert.equal(credentials.providerCalls, index + 2, `one call when the ${wait} ms wait ends`);
    }
    assert.equal(failed.length, waits.length + 1, 'failed emitted once per provider call, not per rejected ask');
  });

  it('a provider that always throws is called 15 times in 10 fake minutes of asks every 100 ms, and never on its own (no loop)', async () => {
    const clock = new FakeClock();
    const credentials = new Credentials({ clock, token: () => { throw new Error('down'); } });
    for (let elapsed = 0; elapsed < 10 * 60_000; elapsed += 100) {
      await credentials.ready().catch(() => {});
      await clock.advance(100);
    }
    // Calls at 0, 1, 3, 7, 15, 31, 63 s, then every 60 s: 123 ... 543 s.
    assert.equal(credentials.providerCalls, 15);
    assert.ok(credentials.providerCalls <= 20);

    // Nobody asks: no call however long the failure lasts.
    const idle = new Credentials({ clock, token: () => { throw new Error('down'); } });
    await idle.ready().catch(() => {});
    await clock.advance(10 * 60_000);
    assert.equal(idle.providerCalls, 1);

    // A held signed token whose renewal fails: tries at the renewal point (75 s of 100 s) and after
    // each backoff while the token lasts (76, 78, 82, 90 s; 106 s is past its expiry), then none.
    const held = new Credentials({ clock, token: () => { throw new Error('down'); } });
    held.setToken(signed(clock.now() + 100_000));
    const release = held.hold();
    await clock.advance(10 * 60_000);
    assert.equal(held.providerCalls, 5);
    release();
  });
});
