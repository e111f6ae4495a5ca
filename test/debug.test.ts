// The `debug` switch, Node side: `debugKeeper` logs a Keeper's state transitions, never an id.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeState } from '../src/bridge/debug.js';
import { debugKeeper } from '../src/worker/debug.js';
import { Keeper } from '../src/worker/keeper.js';
import { memoryStore } from '../src/worker/record/store.js';
import { nodeOptions, quietLogger, useJanus } from './helpers.js';

describe('debugKeeper', () => {
  const janus = useJanus({ sessionTimeout: 60, reclaimTimeout: 30 });

  it('logs connecting -> ready -> idle, each once, with no session or handle id and no token', async () => {
    const server = janus().wsUrl;
    const token = 'tok-debug-5f2c';
    const keeper = new Keeper({ config: { server, token }, store: memoryStore(), standalone: true,
      logger: quietLogger(), WebSocket: nodeOptions(server).WebSocket! });
    const lines: string[] = [];
    const stop = debugKeeper(keeper, (line) => lines.push(line));
    const { sessionId } = await keeper.create();
    const { handleId } = await keeper.attach('me', 'janus.plugin.echotest');
    await keeper.destroy();
    stop();
    const states = lines.map((line) => /state (\w+)/.exec(line)?.[1]);
    assert.deepEqual(states.filter((state, i) => state !== states[i - 1]), ['connecting', 'ready', 'idle']);
    for (const line of lines) {
      assert.ok(line.startsWith('[janus-keeper] '), line);
      for (const secret of [String(sessionId), String(handleId), token, server]) assert.ok(!line.includes(secret), `${secret} in: ${line}`);
    }
    const after = lines.length;
    await keeper.create().then(() => keeper.destroy());
    assert.equal(lines.length, after, 'the returned function stops the logging');
  });

  it('describeState names the state, cause, tabs and handle count only', () => {
    const line = describeState({ state: 'reconnecting', cause: 'link lost', server: 'wss://secret.example/ws', servers: [],
      transport: 'ws', tabs: 2, sessionId: 123456789, handles: [{ handleId: 987654321, plugin: 'p' }],
      stats: { keepalives: 0, creates: 0, claims: 0, connections: 0 } });
    assert.equal(line, '[janus-keeper] state reconnecting (link lost) tabs 2 handles 1 transport ws');
  });
});
