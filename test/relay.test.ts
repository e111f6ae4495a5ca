// The BroadcastChannel relay of the leader-tab fallback, in Node (which has BroadcastChannel and
// MessageChannel): a scripted leader stands in for the keeper so a handover mid-call is exact.
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { asRelayMessage, LeaderGoneError, type RelayRequest } from '../src/bridge/relay.js';
import type { TabEvent } from '../src/bridge/api.js';
import { RelayClient } from '../src/client/relay-client.js';
import { TransportError } from '../src/janus/index.js';
import { OWNER_ANSWER_MS, OwnerRelay } from '../src/worker/record/owner-relay.js';
import { FakeClock } from './fake-clock.js';

const CHANNEL = 'relay-test';
const STATE = { state: 'ready', server: 'ws://janus', transport: 'ws', tabs: 1, handles: [], sessionId: 7,
  stats: { keepalives: 0, creates: 1, claims: 0, connections: 1 } };
const HELLO = { config: { server: 'ws://janus' }, tabId: 'tab', lockName: 'lock' };
const open: Array<{ close(): void }> = [];

/** A leader that answers what `answer` returns; `undefined` leaves the call in flight. */
function fakeLeader(leaderId: string, answer: (call: Extract<RelayRequest, { kind: 'call' }>) => unknown) {
  const channel = new BroadcastChannel(CHANNEL);
  open.push(channel);
  const calls: string[] = [];
  channel.onmessage = (event) => {
    const message = asRelayMessage((event as MessageEvent).data);
    if (message?.kind === 'who') channel.postMessage({ kind: 'leader', leaderId });
    if (message?.kind !== 'call' || message.to !== leaderId) return;
    calls.push(message.method);
    const value = answer(message);
    if (value !== undefined) channel.postMessage({ kind: 'result', leaderId, to: message.from, id: message.id, value });
  };
  return { calls, announce: () => channel.postMessage({ kind: 'leader', leaderId }), close: () => channel.close() };
}

function client(timeoutMs = 2_000): RelayClient {
  const relay = new RelayClient(new BroadcastChannel(CHANNEL), timeoutMs);
  open.push(relay, relay.events);
  return relay;
}

const until = async (check: () => boolean) => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  assert.ok(check(), 'condition not met in time');
};

afterEach(() => {
  for (const thing of open.splice(0)) thing.close();
});

describe('relay client', () => {
  it('finds the leader, says hello, and gets answers addressed to it only', async () => {
    const leader = fakeLeader('L1', (call) => (call.method === 'hello' || call.method === 'state' ? STATE : { sessionId: 7, reclaimed: false }));
    const relay = client();
    assert.equal((await relay.hello(HELLO)).sessionId, 7);
    assert.deepEqual(await relay.create(), { sessionId: 7, reclaimed: false });
    assert.deepEqual(leader.calls, ['hello', 'create']);
  });

  it('a handover: safe calls go again to the new leader, others reject with LeaderGoneError, the page rejoins and claims', async () => {
    const old = fakeLeader('L1', (call) => (call.method === 'hello' ? STATE : undefined)); // then silent
    const relay = client();
    await relay.hello(HELLO);
    const message = relay.message(1, { audio: true });
    const state = relay.state();
    await until(() => old.calls.length === 3);
    old.close();
    const next = fakeLeader('L2', (call) => (call.method === 'hello' ? { ...STATE, state: 'idle', sessionId: undefined }
      : call.method === 'create' ? { sessionId: 7, reclaimed: true } : STATE));
    next.announce();
    await assert.rejects(message, (error: unknown) => error instanceof LeaderGoneError && error instanceof TransportError);
    assert.equal((await state).sessionId, 7);
    await until(() => next.calls.includes('state'));
    assert.deepEqual(next.calls.slice(0, 3), ['hello', 'create', 'state']); // hello, the claim, then what waited
  });

  it('a call with no leader at all times out instead of hanging', async () => {
    const relay = client(200);
    await assert.rejects(relay.state(), { name: 'TimeoutError' });
  });
});

describe("owner relay (a waiting keeper's pages, served by the keeper that holds the record)", () => {
  /** A page of the waiting keeper: what it heard, and who serves it. */
  function page() {
    const heard: TabEvent[] = [];
    const served: boolean[] = [];
    return { heard, served, hello: HELLO, deliver: (event: TabEvent) => void heard.push(event),
      servedElsewhere: (elsewhere: boolean) => void served.push(elsewhere) };
  }

  function ownerRelay(clock = new FakeClock()) {
    let lockAsked = 0;
    const channel = new BroadcastChannel(CHANNEL);
    open.push(channel);
    const relay = new OwnerRelay(channel, () => void lockAsked++, clock);
    return { relay, clock, lockAsked: () => lockAsked };
  }

  it('while the keeper waits, a page is served by the owner: hello, calls and events go there', async () => {
    const owner = fakeLeader('OWNER', (call) => (call.method === 'hello' ? STATE : { handleId: 5, plugin: 'p' }));
    const { relay, lockAsked } = ownerRelay();
    const one = page();
    const route = relay.join(one);
    assert.equal(lockAsked(), 1, 'a page before the lock said anything: the keeper asks for it');
    relay.wait();
    await until(() => route.elsewhere);
    assert.deepEqual(one.served, [true]);
    assert.equal(one.heard[0]?.type === 'state' && one.heard[0].state.sessionId, 7, "the owner's state for the page");
    let ranHere = 0;
    assert.deepEqual(await route.call('attach', ['p'], async () => ranHere++), { handleId: 5, plugin: 'p' });
    assert.equal(ranHere, 0);
    assert.deepEqual(owner.calls, ['hello', 'attach']);
  });

  /** A page served by an owner that answers its hello, then nothing: a message and a state in flight. */
  async function callsInFlight() {
    const owner = fakeLeader('OWNER', (call) => (call.method === 'hello' ? STATE : undefined));
    const { relay } = ownerRelay();
    const route = relay.join(page());
    relay.wait();
    await until(() => route.elsewhere);
    const message = route.call('message', [5, { audio: true }], async () => 'here');
    const state = route.call('state', [], async () => 'here');
    await until(() => owner.calls.length === 3);
    return { owner, relay, route, message, state };
  }

  it('the lock comes (the owner went): safe calls in flight run here, the others reject, the keeper is told to claim', async () => {
    const { relay, route, message, state } = await callsInFlight();
    assert.equal(relay.ownerHasSession, true, 'the owner had a session for the page: the keeper claims it now');
    relay.serveHere();
    assert.equal(relay.ownerHasSession, false);
    await assert.rejects(message, (error: unknown) => error instanceof LeaderGoneError);
    assert.equal(await state, 'here');
    assert.equal(route.elsewhere, false);
    assert.equal(await route.call('attach', ['p'], async () => 'here'), 'here');
  });

  it('the lock comes after the owner served a session: the calls wait for the claim (the stored handles adopted) before they run here', async () => {
    const { relay, route, message } = await callsInFlight();
    void message.catch(() => {});
    let claimed!: () => void;
    relay.serveHere(new Promise<void>((resolve) => (claimed = resolve)));
    let ran = false;
    const call = route.call('message', [5, { audio: true }], async () => (ran = true));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(ran, false, 'not before the claim: the handle table is still empty');
    claimed();
    assert.equal(await call, true);
  });

  it('the claim after the owner went fails: the calls waiting for it run here all the same (and get their own answer)', async () => {
    const { relay, route, message } = await callsInFlight();
    void message.catch(() => {});
    relay.serveHere(Promise.reject(new Error('claim failed')));
    assert.equal(await route.call('state', [], async () => 'here'), 'here');
  });

  it("a page joining before the lock said anything learns the mode first (a new keeper's first state says why it waits)", async () => {
    const { relay } = ownerRelay();
    let known = false;
    void relay.join(page()).known.then(() => (known = true));
    assert.equal(relay.pageCount, 1, 'the page wants the lock while it waits for its word');
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(known, false, 'not before the lock said');
    relay.wait();
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(known, true);
  });

  it('the lock goes to a third keeper: it announces itself, the pages say hello to it, calls in flight settle', async () => {
    const { owner: first, route, message, state } = await callsInFlight();
    first.close();
    const next = fakeLeader('NEXT', (call) => (call.method === 'hello' ? STATE : { ...STATE, tabs: 2 }));
    next.announce();
    await assert.rejects(message, (error: unknown) => error instanceof LeaderGoneError);
    assert.equal(((await state) as typeof STATE).tabs, 2, 'answered by the next owner');
    assert.deepEqual(next.calls, ['hello', 'state']);
    assert.equal(route.elsewhere, true);
  });

  it('after the keeper let the lock go with no page left, the next page waits for the lock to answer again', async () => {
    const { relay, lockAsked } = ownerRelay();
    relay.join(page()).leave();
    relay.serveHere(); // it held the lock
    relay.letGo(); // idle, no page: let go
    const route = relay.join(page());
    assert.equal(lockAsked(), 2);
    let ran = false;
    const call = route.call('create', [], async () => (ran = true));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(ran, false, 'not before the lock said');
    relay.serveHere();
    assert.equal(await call, true);
  });

  it('an owner that answers late (busy, starting): the pages served here ask again and then go to it', async () => {
    const { relay, clock } = ownerRelay();
    const one = page();
    const route = relay.join(one);
    relay.wait();
    await clock.advance(OWNER_ANSWER_MS);
    assert.equal(await route.call('create', [], async () => 'here'), 'here', 'no owner yet: served here');
    const owner = fakeLeader('LATE', (call) => (call.method === 'hello' ? STATE : { handleId: 5, plugin: 'p' }));
    await clock.advance(5_000); // OWNER_RETRY_MS: the relay asks again, the owner answers
    await until(() => route.elsewhere);
    assert.deepEqual(one.served, [true]);
    assert.deepEqual(await route.call('attach', ['p'], async () => 'here'), { handleId: 5, plugin: 'p' });
    assert.deepEqual(owner.calls, ['hello', 'attach']);
  });

  it('no owner answers: after OWNER_ANSWER_MS on the clock the calls run here (waiting, told why)', async () => {
    const { relay, clock } = ownerRelay();
    const one = page();
    const route = relay.join(one);
    relay.wait();
    const call = route.call('create', [], async () => 'here');
    await clock.advance(OWNER_ANSWER_MS - 1);
    let settled = false;
    void call.then(() => (settled = true));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(settled, false, 'it waits for an owner meanwhile');
    await clock.advance(1);
    assert.equal(await call, 'here');
    assert.deepEqual(one.served, []);
  });
});
