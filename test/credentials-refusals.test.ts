// Units of `Credentials` and `sendAuthorized` (src/janus/credentials/credentials.ts) on a fake clock: setToken and
// offer, refused tokens, a 403 answered by one fresh token, and no token in any message.
//
// `sendAuthorized` runs here against a FAKE transport (an object whose `send` returns scripted
// answers), because these cases need exact answer sequences (a 403, then a success or a second
// 403) that a real Janus does not give on demand. The real-Janus tests of tokens (signed tokens
// minted for a Janus with token auth, 403s from stored tokens removed) are in test/tokens.test.ts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Credentials, InvalidArgumentError, TokenProviderError, TokenRefusedError } from '../src/janus/index.js';
import { sendAuthorized } from '../src/janus/credentials/credentials.js';
import type { JanusMessage, JanusRequest } from '../src/janus/protocol.js';
import { signed, flush, track, record, rejection, scripted, fakeTransport, FORBIDDEN, SUCCESS, assertNoToken, rejectionOf } from './credentials-fakes.js';
import { FakeClock } from './fake-clock.js';

describe('Credentials: setToken, offer and refused tokens', () => {
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
