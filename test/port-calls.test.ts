// The keeper's calls over Comlink (bridge/port-calls `exposeKeeper`, a `Comlink.wrap` proxy) in Node,
// whose MessageChannel stands in for a SharedWorker's connect port: `hello` transfers the tab's
// event port, every call after it is one Comlink message each way on the connect port, events come
// on the event port only, errors keep their class and fields; and the page's SharedWorkerLink over
// it (a fake SharedWorker): per-call deadlines, a re-hello on a new port with the calls that waited.
import assert from 'node:assert/strict';
import { transfer, wrap } from 'comlink';
import { afterEach, describe, it } from 'node:test';
import type { KeeperEndpoint, KeeperState, TabEvent, TabHello } from '../src/bridge/api.js';
import { receiveErrors } from '../src/bridge/comlink-errors.js';
import { exposeKeeper } from '../src/bridge/port-calls.js';
import { VERSION } from '../src/bridge/version.js';
import { SharedWorkerLink } from '../src/client/shared-worker-link.js';
import { DestroyedError, InvalidArgumentError, JanusError, PluginError, TimeoutError, TransportError } from '../src/janus/index.js';
import { TabEndpoint } from '../src/worker/host/endpoint.js';

const STATE = { state: 'ready', server: 'ws://janus', servers: ['ws://janus'], transport: 'ws', tabs: 1, handles: [],
  stats: { keepalives: 0, creates: 0, claims: 0, connections: 0 }, version: VERSION } as KeeperState;
const HELLO: TabHello = { config: { server: 'ws://janus' }, tabId: 'tab', lockName: 'lock' };
const open: Array<{ close(): void }> = [];

function channel(): MessageChannel {
  const made = new MessageChannel();
  open.push(made.port1, made.port2);
  return made;
}

afterEach(() => {
  for (const port of open.splice(0)) port.close();
});

/** A keeper endpoint whose calls the test writes; what it was asked is in `asked`. */
function fakeEndpoint(calls: Partial<KeeperEndpoint>, asked: string[] = []): KeeperEndpoint {
  const endpoint: Record<string, unknown> = {};
  for (const method of ['hello', 'create', 'attach', 'message', 'trickle', 'hangup', 'detach', 'state', 'online', 'destroy',
    'goodbye', 'info', 'setToken', 'answerToken'] as const) {
    endpoint[method] = (...args: unknown[]) => {
      asked.push(method);
      const call = calls[method] as ((...callArgs: unknown[]) => Promise<unknown>) | undefined;
      return call ? call(...args) : Promise.reject(new Error(`${method}: not in this test`));
    };
  }
  return endpoint as unknown as KeeperEndpoint;
}

/** The page's side, as SharedWorkerLink does it: a Comlink proxy, errors received with their class. */
function wrapKeeper(port: MessagePort) {
  receiveErrors();
  return wrap<KeeperEndpoint>(port);
}

const sayHello = (keeper: ReturnType<typeof wrapKeeper>, hello: TabHello, events: MessagePort) =>
  keeper.hello(hello, transfer(events, [events]));

const nextMessage = (port: MessagePort): Promise<unknown> => new Promise((resolve) => {
  port.addEventListener('message', (event) => resolve((event as MessageEvent).data), { once: true });
  port.start();
});

describe('the keeper over Comlink', () => {
  it('hello transfers the event port; calls are Comlink calls on the connect port, events come on the event port', async () => {
    const connect = channel();
    const tab = channel();
    let events: MessagePort | undefined;
    exposeKeeper(connect.port2, fakeEndpoint({
      async hello(hello, port) {
        assert.equal(hello.tabId, 'tab');
        assert.ok(port instanceof MessagePort, 'the event port arrives transferred');
        events = port;
        open.push(port);
        return STATE;
      },
      state: async () => ({ ...STATE, tabs: 2 }),
      message: async (handleId, body) => ({ answer: 'success', data: { handleId, ...body } }),
    }));
    const keeper = wrapKeeper(connect.port1);
    assert.deepEqual(await sayHello(keeper, HELLO, tab.port2), STATE);
    assert.equal((await keeper.state()).tabs, 2);
    assert.deepEqual(await keeper.message(7, { audio: true }), { answer: 'success', data: { handleId: 7, audio: true } });
    const event = nextMessage(tab.port1);
    events!.postMessage({ type: 'detached', handleId: 7 } satisfies TabEvent);
    assert.deepEqual(await event, { type: 'detached', handleId: 7 }, 'the event as the keeper posted it, not a Comlink message');
  });

  it('errors keep their class, name, code, reason and data', async () => {
    const connect = channel();
    exposeKeeper(connect.port2, fakeEndpoint({
      hello: async () => STATE,
      attach: async () => { throw new JanusError(460, 'No such plugin'); },
      message: () => { throw new PluginError(426, 'No such room', { error_code: 426 }, 'janus.plugin.videoroom', 'event'); },
      create: async () => { throw new TypeError('not a keeper error'); },
    }));
    const keeper = wrapKeeper(connect.port1);
    await sayHello(keeper, HELLO, channel().port2);
    await assert.rejects(keeper.attach('janus.plugin.nope'), (error: Error) =>
      error instanceof JanusError && error.name === 'JanusError' && error.code === 460 && error.reason === 'No such plugin');
    await assert.rejects(keeper.message(1, {}), (error: Error) => error instanceof PluginError && error.code === 426
      && error.reason === 'No such room' && error.data.error_code === 426 && error.plugin === 'janus.plugin.videoroom');
    await assert.rejects(keeper.create(), (error: Error) => error.name === 'TypeError' && error.message === 'not a keeper error');
  });

  it('the real endpoint: a call before hello and a refused hello reject with their class', async () => {
    const connect = channel();
    exposeKeeper(connect.port2, new TabEndpoint(() => { throw new Error('no keeper in this test'); }));
    const keeper = wrapKeeper(connect.port1);
    await assert.rejects(keeper.state(), (error: Error) => error instanceof DestroyedError && /hello/.test(error.message));
    await assert.rejects(sayHello(keeper, { ...HELLO, tabId: '' }, channel().port2),
      (error: Error) => error instanceof InvalidArgumentError && /tabId/.test(error.message));
  });

  it("only the keeper's methods are reachable, not the endpoint's other fields", async () => {
    const connect = channel();
    const endpoint = Object.assign(fakeEndpoint({ hello: async () => STATE }), { secret: () => 'found' });
    exposeKeeper(connect.port2, endpoint);
    const keeper = wrapKeeper(connect.port1) as unknown as Record<string, () => Promise<unknown>>;
    const notCallable = (error: Error) => error.name === 'TypeError';
    await assert.rejects(keeper.secret!(), notCallable);
    await assert.rejects(keeper.constructor!(), notCallable);
  });
});

/** A SharedWorker in Node: each one's connect port is served by the endpoint `serve` makes. */
function fakeSharedWorkers(serve: (name: string) => KeeperEndpoint): { names: string[]; restore(): void } {
  const names: string[] = [];
  const before = (globalThis as { SharedWorker?: unknown }).SharedWorker;
  class FakeSharedWorker extends EventTarget {
    readonly port: MessagePort;
    constructor(_url: string | URL, options: { name: string }) {
      super();
      const made = channel();
      this.port = made.port1;
      names.push(options.name);
      exposeKeeper(made.port2, serve(options.name));
    }
  }
  (globalThis as { SharedWorker?: unknown }).SharedWorker = FakeSharedWorker;
  return { names, restore: () => void ((globalThis as { SharedWorker?: unknown }).SharedWorker = before) };
}

describe('SharedWorkerLink over Comlink', () => {
  it('a call the keeper never answers rejects with TimeoutError at its deadline; the others are answered', async () => {
    const workers = fakeSharedWorkers(() => fakeEndpoint({
      hello: async () => STATE,
      state: async () => STATE,
      message: () => new Promise<never>(() => {}), // a keeper that never answers (its worker died mid-call)
    }));
    const link = new SharedWorkerLink({ workerUrl: 'keeper.js', name: 'k/v3', extendedLifetime: false, hello: HELLO, callTimeoutMs: 150 });
    try {
      assert.deepEqual(await link.open(), STATE);
      const started = performance.now();
      await assert.rejects(link.message(1, {}), (error: Error) => error instanceof TimeoutError && /message/.test(error.message));
      assert.ok(performance.now() - started < 1_000);
      assert.deepEqual(await link.state(), STATE);
    } finally {
      link.close();
      workers.restore();
    }
  });

  it('a rejoin says hello on a new port; a safe call in flight is sent again there, an unsafe one fails', async () => {
    const hellos: string[] = [];
    let generation = 0;
    const workers = fakeSharedWorkers(() => {
      const mine = ++generation;
      return fakeEndpoint({
        hello: async (hello) => {
          hellos.push(hello.lockName);
          return STATE;
        },
        // The first worker holds its calls (it is about to be left); the second answers.
        state: () => (mine === 1 ? new Promise<never>(() => {}) : Promise.resolve({ ...STATE, tabs: 3 })),
        attach: () => (mine === 1 ? new Promise<never>(() => {}) : Promise.resolve({ handleId: 5, plugin: 'p' })),
      });
    });
    const link = new SharedWorkerLink({ workerUrl: 'keeper.js', name: 'k/v3', extendedLifetime: false, hello: HELLO, callTimeoutMs: 2_000 });
    try {
      await link.open();
      await new Promise((resolve) => setTimeout(resolve, 0)); // calls open once the first connection is adopted
      const state = link.state();
      const attach = link.attach('p');
      await new Promise((resolve) => setTimeout(resolve, 20));
      link.rejoin(Promise.resolve('lock-2'));
      await assert.rejects(attach, (error: Error) => error instanceof TransportError);
      assert.equal((await state).tabs, 3, 'state() went again to the new worker');
      assert.deepEqual(hellos, ['lock', 'lock-2']);
      assert.deepEqual(workers.names, ['k/v3', 'k/v3']);
    } finally {
      link.close();
      workers.restore();
    }
  });

  it('close() rejects the calls still waiting with DestroyedError', async () => {
    const workers = fakeSharedWorkers(() => fakeEndpoint({ hello: async () => STATE, info: () => new Promise<never>(() => {}) }));
    const link = new SharedWorkerLink({ workerUrl: 'keeper.js', name: 'k/v3', extendedLifetime: false, hello: HELLO, callTimeoutMs: 2_000 });
    try {
      await link.open();
      const info = link.info();
      link.close();
      await assert.rejects(info, DestroyedError);
    } finally {
      workers.restore();
    }
  });
});
