// The lean `hello` (bridge/port-calls) in Node, whose MessageChannel stands in for a SharedWorker's
// connect port: the tab's own port arrives transferred, the answer and typed errors come back.
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { KeeperState, TabHello } from '../src/bridge/api.js';
import { PortCaller, sayHello, serveCalls, serveHello } from '../src/bridge/port-calls.js';
import { InvalidArgumentError } from '../src/janus/index.js';

const STATE = { state: 'ready', server: 'ws://janus', servers: ['ws://janus'], transport: 'ws', tabs: 1, handles: [],
  stats: { keepalives: 0, creates: 0, claims: 0, connections: 0 } } as KeeperState;
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

describe('hello on the lean protocol', () => {
  it('transfers the tab port with the hello; the state comes back and calls then go on that port', async () => {
    const connect = channel();
    const tab = channel();
    serveHello(connect.port2, {
      async hello(hello, events) {
        assert.equal(hello.tabId, 'tab');
        assert.ok(events instanceof MessagePort, 'the tab port arrives transferred');
        serveCalls(events, { state: async () => ({ ...STATE, tabs: 2 }) } as never);
        return STATE;
      },
    });
    assert.deepEqual(await sayHello(connect.port1, HELLO, tab.port2), STATE);
    const caller = new PortCaller(tab.port1);
    tab.port1.onmessage = (message) => caller.receive(message.data);
    assert.equal(((await caller.call('state', [])) as KeeperState).tabs, 2);
  });

  it('a refused hello rejects with the keeper error class and its message', async () => {
    const connect = channel();
    serveHello(connect.port2, { hello: () => { throw new InvalidArgumentError('tabId must be a non-empty string'); } });
    await assert.rejects(sayHello(connect.port1, HELLO, channel().port2),
      (error: Error) => error instanceof InvalidArgumentError && /tabId/.test(error.message));
  });

  it('what is not a hello gets no answer and does not reach the endpoint', async () => {
    const connect = channel();
    let hellos = 0;
    serveHello(connect.port2, { hello: async () => { hellos++; return STATE; } });
    connect.port1.postMessage({ kind: 'call', id: 1, method: 'state', args: [] });
    connect.port1.postMessage(null);
    assert.deepEqual(await sayHello(connect.port1, HELLO, channel().port2), STATE);
    assert.equal(hellos, 1);
  });
});
