// Units of `Credentials` and `sendAuthorized` (src/janus/credentials.ts) on a fake clock: the
// ahead-of-expiry renewal of a signed token while held, `ready()`, single flight, the provider's
// failures and their backoff, `setToken`/`offer`, refused tokens, and no token in any message.
// Times are counted on the fake clock only (no real sleep, no timed assertion).
//
// `sendAuthorized` runs here against a FAKE transport (an object whose `send` returns scripted
// answers), because these cases need exact answer sequences (a 403, then a success or a second
// 403) that a real Janus does not give on demand. The real-Janus tests of tokens (signed tokens
// minted for a Janus with token auth, 403s from stored tokens removed) are in test/tokens.test.ts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  Credentials,
  InvalidArgumentError,
  TokenProviderError,
  TokenRefusedError,
  type CredentialsEvents,
  type TokenProvider,
  type Transport,
} from '../src/janus/index.js';
import { sendAuthorized } from '../src/janus/credentials.js';
import type { JanusMessage, JanusRequest } from '../src/janus/protocol.js';
import { FakeClock } from './fake-clock.js';

/** A signed Janus token that expires at `expiresAtMs` (Janus counts whole seconds). */
const signed = (expiresAtMs: number, signature = 'sig') =>
  `${Math.floor(expiresAtMs / 1000)},janus,janus.plugin.echotest:${signature}`;

/** Lets pending promise callbacks run (no time passes on any clock). */
const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Whether `promise` has settled yet, without waiting for it. */
function track(promise: Promise<unknown>): { settled: boolean } {
  const state = { settled: false };
  promise.then(() => { state.settled = true; }, () => { state.settled = true; });
  return state;
}

/** The events `credentials` emits, in order. */
function record(credentials: Credentials) {
  const renewed: CredentialsEvents['renewed'][] = [];
  const failed: CredentialsEvents['failed'][] = [];
  credentials.on('renewed', (detail) => renewed.push(detail));
  credentials.on('failed', (detail) => failed.push(detail));
  return { renewed, failed };
}

/** What a settled promise rejected with (fails when it resolved). */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  assert.fail('expected a rejection');
}

/** A provider that plays `script` in order: a string (or any value) is returned, an Error thrown. */
function scripted(script: unknown[]): TokenProvider {
  return (() => {
    const next = script.shift();
    if (next instanceof Error) throw next;
    return next;
  }) as TokenProvider;
}

/** A fake transport: records what is sent and answers from `answers`, in order. */
function fakeTransport(answers: JanusMessage[]) {
  const sent: { request: JanusRequest; timeoutMs: number }[] = [];
  const transport = {
    kind: 'ws',
    isClosed: false,
    send(request: JanusRequest, timeoutMs: number): Promise<JanusMessage> {
      sent.push({ request: structuredClone(request), timeoutMs });
      const answer = answers.shift();
      if (!answer) return Promise.reject(new Error('fake transport: no scripted answer left'));
      return Promise.resolve({ ...answer, transaction: request.transaction });
    },
  };
  return { transport: transport as unknown as Transport, sent };
}

const FORBIDDEN: JanusMessage = { janus: 'error', error: { code: 403, reason: 'Unauthorized request (wrong or missing secret/token)' } };
const SUCCESS: JanusMessage = { janus: 'success', data: { id: 7 } };

/** Every text an error or an event carries that could leak: message, stack, reason, the JSON of a detail. */
function textsOf(thing: unknown): string[] {
  if (thing instanceof Error) {
    const texts = [thing.message, String(thing.stack), String(thing)];
    const reason = (thing as { reason?: unknown }).reason;
    if (typeof reason === 'string') texts.push(reason);
    return texts;
  }
  return [JSON.stringify(thing)];
}

function assertNoToken(things: unknown[], ...tokens: string[]): void {
  for (const thing of things) {
    for (const text of textsOf(thing)) {
      for (const token of tokens) assert.ok(!text.includes(token), `a message carries the token: ${text}`);
    }
  }
}

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

  it('setToken(token) clears the failure and the backoff (the next renew asks at once) and emits renewed by "set"', async () => {
    const clock = new FakeClock();
    const down = new Error('down');
    const credentials = new Credentials({ clock, token: scripted([down, down, down, 'from-provider']) });
    const { renewed } = record(credentials);
    await rejection(credentials.ready());
    await clock.advance(1_000);
    await rejection(credentials.ready());
    assert.equal(credentials.providerCalls, 2, 'two failures: the wait is now 2 s');
    assert.ok(credentials.failure);

    credentials.setToken('set-token');
    assert.equal(credentials.failure, undefined);
    assert.deepEqual(credentials.fields(), { token: 'set-token' });
    assert.deepEqual(renewed, [{ expiresAt: undefined, by: 'set' }]);

    // Asked at once (no wait left), and the next wait starts again at 1 s.
    await rejection(credentials.renew('set-token'));
    assert.equal(credentials.providerCalls, 3, 'asked at once after setToken');
    await clock.advance(999);
    await rejection(credentials.renew('set-token'));
    assert.equal(credentials.providerCalls, 3);
    await clock.advance(1);
    await credentials.renew('set-token');
    assert.equal(credentials.providerCalls, 4, 'the wait is 1 s again, not 4 s');
    assert.equal(credentials.fields().token, 'from-provider');

    // A signed token tells its expiry.
    const token = signed(clock.now() + 60_000);
    credentials.setToken(token);
    assert.deepEqual(renewed.at(-1), { expiresAt: Math.floor((clock.now() + 60_000) / 1000) * 1000, by: 'set' });
    assert.equal(credentials.expiresAt, Math.floor((clock.now() + 60_000) / 1000) * 1000);
  });

  it('setToken(null) drops the token (and its renewal timer) and emits renewed by "set"', async () => {
    const clock = new FakeClock();
    const credentials = new Credentials({ clock, token: () => 'from-provider', apiSecret: 'the-secret' });
    const { renewed } = record(credentials);
    credentials.setToken(signed(clock.now() + 100_000));
    const release = credentials.hold();
    assert.notEqual(clock.nextAt, undefined);
    credentials.setToken(null);
    assert.deepEqual(credentials.fields(), { apisecret: 'the-secret' });
    assert.equal(credentials.expiresAt, undefined);
    assert.equal(clock.nextAt, undefined, 'no renewal timer for no token');
    assert.deepEqual(renewed.at(-1), { expiresAt: undefined, by: 'set' });
    await clock.advance(10 * 60_000);
    assert.equal(credentials.providerCalls, 0);
    release();
  });

  it('setToken with an empty string, a non-string or control characters throws InvalidArgumentError before anything changes', async () => {
    const clock = new FakeClock();
    const credentials = new Credentials({ clock, token: () => { throw new Error('down'); } });
    const previous = signed(clock.now() + 100_000);
    credentials.setToken(previous);
    await rejection(credentials.renew(previous));
    const failureAfter = credentials.failure;
    assert.ok(failureAfter);
    const { renewed, failed } = record(credentials);

    for (const bad of ['', 42, undefined, {}, 'abc\u0000def', 'abc\ndef', 'abc\u007f', '\t']) {
      assert.throws(() => credentials.setToken(bad as string), InvalidArgumentError, `setToken(${JSON.stringify(bad)})`);
      assert.equal(credentials.fields().token, previous, 'the previous token is still in use');
      assert.equal(credentials.expiresAt, Math.floor((clock.now() + 100_000) / 1000) * 1000);
      assert.equal(credentials.failure, failureAfter, 'the failure is still there');
    }
    assert.deepEqual(renewed, []);
    assert.deepEqual(failed, []);
    assert.throws(() => new Credentials({ clock, token: 'a\nb' }), InvalidArgumentError);
    assert.throws(() => new Credentials({ clock, apiSecret: '' }), InvalidArgumentError);
  });

  it('offer(token) takes a signed token that expires later, refuses one that expires sooner or at the same second, takes any different unsigned token, and returns whether it took it', () => {
    const clock = new FakeClock();
    const now = clock.now();
    const credentials = new Credentials({ clock });
    const { renewed } = record(credentials);

    assert.equal(credentials.offer(signed(now + 60_000)), true, 'no token yet: taken');
    assert.equal(credentials.offer(signed(now + 120_000)), true, 'expires later: taken');
    assert.equal(credentials.fields().token, signed(now + 120_000));
    assert.equal(credentials.offer(signed(now + 30_000)), false, 'expires sooner: refused');
    assert.equal(credentials.offer(signed(now + 120_000, 'other-signature')), false, 'expires at the same second: refused');
    assert.equal(credentials.offer(signed(now + 120_000)), false, 'the same token: refused');
    assert.equal(credentials.fields().token, signed(now + 120_000));
    assert.equal(renewed.length, 2);

    assert.equal(credentials.offer('plain-1'), true, 'an unsigned different token: taken');
    assert.equal(credentials.fields().token, 'plain-1');
    assert.equal(credentials.expiresAt, undefined);
    assert.equal(credentials.offer('plain-1'), false, 'the same unsigned token: refused');
    assert.equal(credentials.offer('plain-2'), true);
    assert.equal(credentials.offer(signed(now + 10_000)), true, 'a signed token while the current one is unsigned: taken');
    assert.equal(credentials.fields().token, signed(now + 10_000));
    assert.equal(renewed.length, 5, 'renewed once per token taken, none for a refused one');
    assert.ok(renewed.every((event) => event.by === 'set'));

    assert.throws(() => credentials.offer(''), InvalidArgumentError);
    assert.throws(() => credentials.offer('a\u0000b'), InvalidArgumentError);
    assert.equal(credentials.fields().token, signed(now + 10_000));
  });

  it('renew rejects TokenRefusedError when the provider gives the very token Janus refused', async () => {
    const clock = new FakeClock();
    const credentials = new Credentials({ clock, token: () => 'same-token' });
    const { failed } = record(credentials);
    await credentials.ready();
    const error = await rejection(credentials.renew('same-token'));
    assert.ok(error instanceof TokenRefusedError);
    assert.equal(error.code, 403);
    assert.equal(credentials.providerCalls, 2);
    assert.deepEqual(failed, [error]);
    assert.equal(credentials.failure, error);
  });

  it('renew rejects TokenRefusedError at once, without any time passing, when there is no provider', async () => {
    const clock = new FakeClock();
    const credentials = new Credentials({ clock, token: 'static-token' });
    const { failed } = record(credentials);
    const renewal = credentials.renew('static-token');
    const state = track(renewal);
    await flush();
    assert.ok(state.settled, 'settled with no time passing');
    const error = await rejection(renewal);
    assert.ok(error instanceof TokenRefusedError);
    assert.deepEqual(failed, [error]);
    assert.equal(credentials.renewable, false);

    const none = new Credentials({ clock });
    assert.ok(await rejection(none.renew(undefined)) instanceof TokenRefusedError);
  });
  it('a failed renewal ahead of expiry is asked again once the backoff allows, while the token lasts, and no more after', async () => {
    const clock = new FakeClock();
    let calls = 0;
    let good = true;
    const credentials = new Credentials({ clock, token: () => {
      calls++;
      if (!good) throw new Error('backend down');
      return signed(clock.now() + 40_000);
    } });
    await credentials.ready();
    const release = credentials.hold();
    good = false;
    await clock.advance(30_000); // the renewal (at 30 s of a 40 s token) fails
    await flush();
    assert.equal(calls, 2);
    await clock.advance(1_000); // the backoff's 1 s: asked again
    await flush();
    assert.equal(calls, 3);
    await clock.advance(2_000);
    await flush();
    assert.equal(calls, 4);
    good = true;
    await clock.advance(4_000);
    await flush();
    assert.equal(calls, 5);
    assert.equal(credentials.failure, undefined, 'the provider works again: the failure ends');
    release();
  });

  it('a provider set after refusals without one is asked at once (the backoff was for none)', async () => {
    const clock = new FakeClock();
    const credentials = new Credentials({ clock, token: 'static-token' });
    for (let i = 0; i < 7; i++) await rejection(credentials.renew('static-token'));
    let calls = 0;
    credentials.setProvider(() => (calls++, 'fresh-token'));
    await credentials.renew('static-token');
    assert.equal(calls, 1);
    assert.equal(credentials.fields().token, 'fresh-token');
    assert.equal(credentials.failure, undefined);
  });

  it('requests refused at the same moment share one failure; a later refusal of the same token backs off further', async () => {
    const clock = new FakeClock();
    const credentials = new Credentials({ clock, token: () => 'same-token' });
    const { failed } = record(credentials);
    await credentials.ready();
    const errors = await Promise.all([1, 2, 3].map(() => rejection(credentials.renew('same-token'))));
    assert.equal(new Set(errors).size, 1);
    assert.equal(failed.length, 1);
    await clock.advance(1_000);
    await rejection(credentials.renew('same-token'));
    assert.equal(failed.length, 2);
    // The provider gave the refused token again: the wait doubled (not reset to 1 s by its answer).
    await clock.advance(1_000);
    const calls = credentials.providerCalls;
    await rejection(credentials.renew('same-token'));
    assert.equal(credentials.providerCalls, calls, 'still within the 2 s wait');
  });
});

describe('sendAuthorized (fake transport)', () => {
  it('on a 403 asks the provider once and sends the same request (same transaction) again with the new token, apisecret in both', async () => {
    const clock = new FakeClock();
    const credentials = new Credentials({ clock, token: scripted(['old-token', 'new-token']), apiSecret: 'the-secret' });
    await credentials.ready();
    const { transport, sent } = fakeTransport([FORBIDDEN, SUCCESS]);
    const request: JanusRequest = { janus: 'attach', transaction: 'tx-1', session_id: 11, plugin: 'janus.plugin.echotest' };
    const answer = await sendAuthorized(transport, request, 4_321, credentials);
    assert.equal(answer.janus, 'success');
    assert.equal(credentials.providerCalls, 2, 'one provider call for the 403');
    assert.equal(credentials.refusals, 1);
    assert.deepEqual(sent, [
      { request: { ...request, token: 'old-token', apisecret: 'the-secret' }, timeoutMs: 4_321 },
      { request: { ...request, token: 'new-token', apisecret: 'the-secret' }, timeoutMs: 4_321 },
    ]);
    assert.deepEqual(request, { janus: 'attach', transaction: 'tx-1', session_id: 11, plugin: 'janus.plugin.echotest' }, 'the caller\'s request untouched');
  });

  it('a second 403 rejects TokenRefusedError (no third send, failed emitted, both refusals counted)', async () => {
    const clock = new FakeClock();
    const credentials = new Credentials({ clock, token: scripted(['old-token', 'new-token']), apiSecret: 'the-secret' });
    const { failed } = record(credentials);
    await credentials.ready();
    const { transport, sent } = fakeTransport([FORBIDDEN, FORBIDDEN, SUCCESS]);
    const error = await rejection(sendAuthorized(transport, { janus: 'create', transaction: 'tx-2' }, 1_000, credentials));
    assert.ok(error instanceof TokenRefusedError);
    assert.equal(sent.length, 2);
    assert.equal(sent[1]!.request.transaction, 'tx-2');
    assert.equal(sent[1]!.request.token, 'new-token');
    assert.ok(sent.every(({ request }) => request.apisecret === 'the-secret'));
    assert.equal(credentials.providerCalls, 2);
    // Janus refused two tokens; today only the 403 that led to a renewal is counted (see the report).
    assert.equal(credentials.refusals, 2);
    assert.deepEqual(failed, [error]);
    assert.equal(credentials.failure, error);
  });

  it('a 403 with no provider rejects TokenRefusedError after one send', async () => {
    const clock = new FakeClock();
    const credentials = new Credentials({ clock, token: 'static-token', apiSecret: 'the-secret' });
    const { transport, sent } = fakeTransport([FORBIDDEN, SUCCESS]);
    const error = await rejection(sendAuthorized(transport, { janus: 'info', transaction: 'tx-3' }, 1_000, credentials));
    assert.ok(error instanceof TokenRefusedError);
    assert.equal(sent.length, 1);
    assert.equal(credentials.refusals, 1);
  });

  it('a request with its own token is sent as is (with the apisecret) and its 403 answer returned without any renewal', async () => {
    const clock = new FakeClock();
    const credentials = new Credentials({ clock, token: scripted(['session-token', 'never']), apiSecret: 'the-secret' });
    await credentials.ready();
    const { transport, sent } = fakeTransport([FORBIDDEN]);
    const request: JanusRequest = { janus: 'attach', transaction: 'tx-4', session_id: 11, token: 'handle-token', plugin: 'janus.plugin.echotest' };
    const answer = await sendAuthorized(transport, request, 1_000, credentials);
    assert.equal(answer.janus, 'error');
    assert.equal(answer.error?.code, 403);
    assert.deepEqual(sent, [{ request: { ...request, apisecret: 'the-secret' }, timeoutMs: 1_000 }]);
    assert.equal(credentials.providerCalls, 1, 'no renewal for a request\'s own token');
    assert.equal(credentials.refusals, 0);
    assert.equal(credentials.fields().token, 'session-token');
  });

  it('another error answer (458) is returned as is: one send, no renewal; apisecret goes without a token too', async () => {
    const clock = new FakeClock();
    const credentials = new Credentials({ clock, apiSecret: 'the-secret' });
    const notFound: JanusMessage = { janus: 'error', error: { code: 458, reason: 'No such session' } };
    const { transport, sent } = fakeTransport([notFound]);
    const answer = await sendAuthorized(transport, { janus: 'keepalive', transaction: 'tx-5', session_id: 9 }, 1_000, credentials);
    assert.equal(answer.error?.code, 458);
    assert.deepEqual(sent.map(({ request }) => request), [{ janus: 'keepalive', transaction: 'tx-5', session_id: 9, apisecret: 'the-secret' }]);
    assert.equal(credentials.refusals, 0);
  });
});

describe('no token in any message', () => {
  it('no error or event message ever contains the token string or the API secret', async () => {
    const TOKEN = 'TOKEN-7f3a9c-SECRET';
    const API_SECRET = 'APISECRET-55e1';
    const clock = new FakeClock();
    const seen: unknown[] = [];
    const watch = (credentials: Credentials) => {
      credentials.on('renewed', (detail) => seen.push(detail));
      credentials.on('failed', (detail) => seen.push(detail));
      return credentials;
    };

    // Refused: the provider gives the same token; no provider; a second 403.
    const same = watch(new Credentials({ clock, token: () => TOKEN, apiSecret: API_SECRET }));
    await same.ready();
    seen.push(await rejection(same.renew(TOKEN)));
    seen.push(await rejection(same.renew(TOKEN))); // within the backoff: the same error again
    const fixed = watch(new Credentials({ clock, token: TOKEN, apiSecret: API_SECRET }));
    seen.push(await rejection(fixed.renew(TOKEN)));
    const twice = watch(new Credentials({ clock, token: scripted([TOKEN, `${TOKEN}-2`]), apiSecret: API_SECRET }));
    await twice.ready();
    seen.push(await rejection(sendAuthorized(fakeTransport([FORBIDDEN, FORBIDDEN]).transport, { janus: 'create', transaction: 't' }, 1_000, twice)));

    // Provider failures while a token is held: threw, timeout, invalid (a token with a newline).
    const threw = watch(new Credentials({ clock, token: scripted([TOKEN, new Error('down')]) }));
    await threw.ready();
    seen.push(await rejection(threw.renew(TOKEN)));
    const hung = watch(new Credentials({ clock, providerTimeoutMs: 500, token: scripted([TOKEN, new Promise(() => {})]) }));
    await hung.ready();
    const hanging = rejection(hung.renew(TOKEN));
    await clock.advance(500);
    seen.push(await hanging);
    const invalid = watch(new Credentials({ clock, token: scripted([TOKEN, `${TOKEN}\n`]) }));
    await invalid.ready();
    seen.push(await rejection(invalid.renew(TOKEN)));

    // Bad input: the token or the secret with a control character.
    seen.push(rejectionOf(() => new Credentials({ clock, token: `${TOKEN}\u0000` })));
    seen.push(rejectionOf(() => new Credentials({ clock, apiSecret: `${API_SECRET}\n` })));
    seen.push(rejectionOf(() => fixed.setToken(`${TOKEN}\r`)));
    seen.push(rejectionOf(() => fixed.offer(`${TOKEN}\u007f`)));

    // Set, offered, dropped: events only.
    fixed.setToken(signed(clock.now() + 60_000, TOKEN));
    fixed.offer(signed(clock.now() + 120_000, TOKEN));
    fixed.setToken(null);

    const errors = seen.filter((thing) => thing instanceof Error);
    assert.ok(errors.length >= 10, `errors checked: ${errors.length}`);
    assert.ok(errors.some((error) => error instanceof TokenRefusedError));
    assert.ok(errors.some((error) => error instanceof TokenProviderError && error.reason === 'timeout'));
    assert.ok(errors.some((error) => error instanceof TokenProviderError && error.reason === 'invalid'));
    assert.ok(errors.some((error) => error instanceof InvalidArgumentError));
    assertNoToken(seen, TOKEN, API_SECRET);
  });
});

function rejectionOf(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  assert.fail('expected a throw');
}
