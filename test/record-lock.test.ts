// One claimant per stored session (src/worker/record/record-lock.ts): two keepers on one record, with a
// stand-in for the browser's Web Locks (Node has none) and a real Janus.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import WebSocket from 'ws';
import { startFaultProxy } from '../e2e/fixtures/fault-proxy.js';
import type { TabEvent } from '../src/bridge/api.js';
import type { WebSocketConstructor } from '../src/janus/index.js';
import type { Keeper as KeeperType } from '../src/worker/keeper.js';
import { Keeper } from '../src/worker/keeper.js';
import { compareVersions, offerHandover } from '../src/worker/record/handover.js';
import { lockedStore, RecordLock, recordLockName, showWaiting, WAITING_CAUSE } from '../src/worker/record/record-lock.js';
import { memoryStore, type SessionStore } from '../src/worker/record/store.js';
import { FakeClock } from './fake-clock.js';
import { quietLogger, unusedPort, useJanus, waitFor } from './helpers.js';

const Ws = WebSocket as unknown as WebSocketConstructor;
const ECHO = 'janus.plugin.echotest';

/** Web Locks as the browser runs them: one holder per name, the others queued in order. */
class FakeLocks {
  readonly #tails = new Map<string, Promise<void>>();
  readonly #ends = new Map<string, () => void>();

  /** `grantsInTasks`: a freed lock goes to the next in line in a later task, as in a browser. */
  constructor(private readonly grantsInTasks = false) {}

  request(name: string, ...args: unknown[]): Promise<unknown> {
    const callback = args.at(-1) as (lock: { name: string } | null) => unknown;
    if ((args[0] as { ifAvailable?: boolean }).ifAvailable && args.length === 2) {
      if (this.#ends.has(name)) return Promise.resolve(callback(null));
    }
    const before = this.#tails.get(name) ?? Promise.resolve();
    let ended!: () => void;
    this.#tails.set(name, before.then(() => new Promise<void>((resolve) => (ended = resolve))));
    const granted = this.grantsInTasks ? before.then(() => new Promise((next) => setTimeout(next, 10))) : before;
    return granted.then(() => new Promise((resolve) => {
      const end = () => {
        if (this.#ends.get(name) !== end) return;
        this.#ends.delete(name);
        ended();
        resolve(undefined);
      };
      this.#ends.set(name, end);
      Promise.resolve(callback({ name })).then(end, end);
    }));
  }

  /** The holder dies (its worker was killed): the lock goes to the next in line. */
  kill(name: string): void {
    this.#ends.get(name)?.();
  }
}

function fakePort(): MessagePort {
  return { postMessage: (_event: TabEvent) => {}, close() {} } as unknown as MessagePort;
}

/** Tabs with a page open somewhere (on another keeper), as the page locks would tell. */
class OpenTabs {
  readonly open = new Set<string>();
  readonly #waiting = new Map<string, (afterWaiting: boolean) => void>();
  readonly watch = (tabId: string, noPage: (afterWaiting: boolean) => void) => {
    if (this.open.has(tabId)) this.#waiting.set(tabId, noPage);
    else noPage(false);
  };
  close(tabId: string): void {
    this.open.delete(tabId);
    this.#waiting.get(tabId)?.(true);
    this.#waiting.delete(tabId);
  }
}

function lockedKeeper(server: string, store: SessionStore, locks: FakeLocks, WebSocket = Ws, openTabs = new OpenTabs()) {
  const config = { server };
  const lock = new RecordLock(recordLockName(server), () => true, locks as unknown as LockManager);
  const keeper = new Keeper({ config, store: lockedStore(store, lock), liveness: () => {}, tabGraceMs: 0,
    logger: quietLogger(), WebSocket, unseenTab: openTabs.watch });
  return { keeper, lock };
}

describe('record lock', () => {
  const janus = useJanus({ sessionTimeout: 60, reclaimTimeout: 30 });

  it('reads wait for the lock; writes without it are dropped', async () => {
    const locks = new FakeLocks();
    const records = memoryStore();
    const first = new RecordLock('janus-keeper:session:x', () => true, locks as unknown as LockManager);
    const second = new RecordLock('janus-keeper:session:x', () => true, locks as unknown as LockManager);
    await first.acquire();
    const record = { version: 1, server: 'x', sessionId: 1, handles: [], savedAt: 0 } as never;
    await lockedStore(records, second).save(record);
    assert.equal(await records.load('x'), undefined, 'a keeper without the lock does not write');
    let read = false;
    const reading = lockedStore(records, second).load('x').then(() => (read = true));
    await lockedStore(records, first).save(record);
    assert.equal(read, false, 'the second keeper waits while the first holds the lock');
    first.release();
    await reading;
    assert.equal(second.held, true);
  });

  it('a second keeper does not claim while the first holds the session; when the first dies it claims it and keeps the handles of tabs still open', async () => {
    const store = memoryStore();
    const locks = new FakeLocks();
    const proxy = await startFaultProxy(janus().ports.ws);
    const a = lockedKeeper(proxy.via(janus().wsUrl), store, locks);
    // The same server URL, so the same record; its sockets bypass the proxy, which will stand for
    // the dead first keeper's link (a killed worker never claims again).
    const direct = class extends WebSocket {
      constructor(url: string, protocols?: string | string[]) {
        super(url.replace(proxy.via(janus().wsUrl), janus().wsUrl), protocols);
      }
    } as unknown as WebSocketConstructor;
    const openTabs = new OpenTabs();
    const b = lockedKeeper(proxy.via(janus().wsUrl), store, locks, direct, openTabs);
    try {
      a.keeper.tabs.add('tab-a', 'lock-a', fakePort());
      a.keeper.tabs.add('tab-c', 'lock-c', fakePort());
      const { sessionId } = await a.keeper.create();
      const { handleId } = await a.keeper.attach('tab-a', ECHO);
      const closed = await a.keeper.attach('tab-c', ECHO);
      openTabs.open.add('tab-a'); // tab-a's page lives on (it will say hello to the new keeper); tab-c closed meanwhile

      b.keeper.tabs.add('tab-b', 'lock-b', fakePort());
      let bSettled = false;
      const bCreate = b.keeper.create().finally(() => (bSettled = true));
      assert.equal((await a.keeper.message('tab-a', handleId, { audio: true })).data['result'], 'ok');
      assert.equal(bSettled, false, 'the second keeper waits for the record lock');
      assert.equal(b.keeper.state, 'connecting');
      assert.deepEqual(await janus().listSessions(), [sessionId], 'one session on Janus');

      // The first keeper's worker dies: its link goes, and so does its lock.
      proxy.setMode('refuse');
      proxy.reset();
      locks.kill(recordLockName(proxy.via(janus().wsUrl)));
      assert.deepEqual(await bCreate, { sessionId, reclaimed: true });
      await b.keeper.attach('tab-b', ECHO); // a round trip after the claim: any grace timer (0 ms) has run
      assert.ok((await janus().listHandles(sessionId)).includes(handleId), "tab-a's handle is kept while its page is open");
      await waitFor("tab-c's handle detached: no page of it is open", async () => !(await janus().listHandles(sessionId)).includes(closed.handleId));
      b.keeper.tabs.add('tab-a', 'lock-a2', fakePort()); // tab-a reconnects to the new keeper
      assert.equal((await b.keeper.message('tab-a', handleId, { audio: true })).data['result'], 'ok');
      assert.deepEqual(await janus().listSessions(), [sessionId]);
    } finally {
      await b.keeper.destroy().catch(() => {});
      await a.keeper.destroy().catch(() => {});
      await proxy.close();
      await waitFor('no session left', async () => (await janus().listSessions()).length === 0);
    }
  });
});

/** A page's event port that remembers the causes of the states it got. */
function causesPort() {
  const causes: Array<string | undefined> = [];
  const port = { postMessage: (event: TabEvent) => void (event.type === 'state' && causes.push(event.state.cause)), close() {} };
  return { causes, port: port as unknown as MessagePort };
}

describe('a keeper waiting for its record lock', () => {
  it('says why in every state, to the pages it had and to new ones, for as long as it waits', async () => {
    const locks = new FakeLocks();
    const server = `ws://127.0.0.1:${await unusedPort()}`;
    const holder = new RecordLock(recordLockName(server), () => true, locks as unknown as LockManager);
    await holder.acquire(); // another keeper (a leader tab, an older worker) holds the record
    const lock = new RecordLock(recordLockName(server), () => true, locks as unknown as LockManager);
    const keeper = new Keeper({ config: { server }, store: lockedStore(memoryStore(), lock), liveness: () => {},
      clock: new FakeClock(), logger: quietLogger(), WebSocket: Ws });
    const unwire = showWaiting(keeper, lock);
    try {
      const first = causesPort();
      keeper.tabs.add('tab-1', 'page-1', first.port);
      let inLine = false;
      lock.watch((change) => void (inLine ||= change === 'waiting'));
      const creating = keeper.create().catch((error: Error) => error);
      await waitFor('the keeper waits in line', () => inLine);
      assert.equal(first.causes.at(-1), WAITING_CAUSE);

      const second = causesPort();
      keeper.tabs.add('tab-2', 'page-2', second.port); // a page coming: every page gets a new state
      assert.equal(keeper.snapshot('tab-2').cause, WAITING_CAUSE, "a new page's first state (hello's answer)");
      assert.deepEqual([first.causes.at(-1), second.causes.at(-1)], [WAITING_CAUSE, WAITING_CAUSE]);
      keeper.tabs.remove('page-2', true); // a page going
      assert.equal(first.causes.at(-1), WAITING_CAUSE);
      assert.equal(keeper.snapshot('tab-1').state, 'connecting');

      holder.release(); // the owner goes: the wait is over
      await waitFor('the lock', () => lock.held);
      assert.notEqual(first.causes.at(-1), WAITING_CAUSE);
      assert.notEqual(keeper.snapshot('tab-1').cause, WAITING_CAUSE);
      await creating; // nothing listens at the server: the create fails, as it would without the wait
    } finally {
      unwire();
      lock.release();
    }
  });
});

describe('upgrade handover', () => {
  it('orders versions as semver does (a pre-release before its release)', () => {
    assert.equal(compareVersions('0.3.0', '0.2.9'), 1);
    assert.equal(compareVersions('0.10.0', '0.9.0'), 1);
    assert.equal(compareVersions('1.0.0', '1.0.0'), 0);
    assert.equal(compareVersions('1.0.0-rc.1', '1.0.0'), -1);
    assert.equal(compareVersions('0.0.0-dev', '0.3.0'), -1);
  });

  it('the holder hands over to a newer version only, never to an older or equal one', async () => {
    const locks = new FakeLocks(true);
    const name = recordLockName('ws://handover.invalid');
    const holder = new RecordLock(name, () => true, locks as unknown as LockManager);
    let handedOver: string | undefined;
    const keeper = { handOver: (cause: string) => (handedOver = cause) } as unknown as KeeperType;
    const stop = offerHandover(keeper, holder, '1.0.0');
    const askers = ['1.0.0', '0.9.0', '2.0.0'].map((version) => {
      const lock = new RecordLock(name, () => true, locks as unknown as LockManager);
      return { lock, stop: offerHandover({ handOver() {} } as unknown as KeeperType, lock, version) };
    });
    try {
      await holder.acquire();
      const observer = new BroadcastChannel(`${name}/handover`);
      const asked: string[] = [];
      observer.onmessage = (event: MessageEvent) => void asked.push(event.data.version);
      const equal = askers[0]!.lock.acquire();
      const older = askers[1]!.lock.acquire();
      await waitFor('both asks delivered', () => asked.length === 2);
      observer.close();
      assert.equal(handedOver, undefined);
      assert.equal(holder.held, true);
      const newer = askers[2]!.lock.acquire();
      await waitFor('the handover', () => handedOver !== undefined);
      assert.match(handedOver!, /reload/);
      assert.equal(holder.held, false);
      // The queue goes on in order: the equal and the older one get the lock first; each says so,
      // the newer one asks again, and each hands over in turn.
      await equal;
      await older;
      await newer;
      assert.equal(askers[2]!.lock.held, true);
      assert.equal(askers[0]!.lock.held, false);
      assert.equal(askers[1]!.lock.held, false);
    } finally {
      stop();
      for (const asker of askers) asker.stop();
    }
  });
});
