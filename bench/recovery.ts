// `npm run bench:recovery`: how fast the keeper gets its session back, measured in Node (the same
// keeper code the SharedWorker runs) through the fault proxy against a real Janus.
// 1. recovery: the link is cut (reset + refuse) for 1 s; time from restore until the keeper is
//    ready again, and until the first EchoTest answer. 2. half-open link (blackhole): time until
//    the keeper notices, with the shipped keepalive defaults and with a 1 s / 1.5 s setting.
import os from 'node:os';
import WebSocket from 'ws';
import { startFaultProxy, type FaultProxy } from '../e2e/fixtures/fault-proxy.js';
import { startJanus } from '../e2e/fixtures/janus-launcher.js';
import type { KeeperConfig } from '../src/bridge/api.js';
import type { WebSocketConstructor } from '../src/janus/index.js';
import { Keeper } from '../src/worker/keeper.js';
import { memoryStore } from '../src/worker/record/store.js';
import { ms, summarize } from './stats.js';

const quick = process.argv.includes('--quick');
const RUNS = quick ? 2 : 10;
const sleep = (t: number) => new Promise((resolve) => setTimeout(resolve, t));

async function until(keeper: Keeper, predicate: (state: string) => boolean, timeoutMs = 60_000): Promise<number> {
  const start = performance.now();
  while (!predicate(keeper.state)) {
    if (performance.now() - start > timeoutMs) throw new Error(`timed out in state ${keeper.state}`);
    await sleep(2);
  }
  return performance.now() - start;
}

function newKeeper(config: KeeperConfig): Keeper {
  return new Keeper({ config, store: memoryStore(), standalone: true, liveness: () => {}, logger: { warn: () => {} },
    WebSocket: WebSocket as unknown as WebSocketConstructor });
}

const janus = await startJanus({ sessionTimeout: 60, reclaimTimeout: 30, logLevel: 2 });
const lines: string[] = [];
try {
  for (const kind of ['ws', 'http'] as const) {
    const proxy: FaultProxy = await startFaultProxy(kind === 'ws' ? janus.ports.ws : janus.ports.http);
    const server = proxy.via(kind === 'ws' ? janus.wsUrl : janus.httpUrl);
    const keeper = newKeeper({ server });
    const { sessionId } = await keeper.create();
    const { handleId } = await keeper.attach('bench', 'janus.plugin.echotest');
    const ready: number[] = [];
    const echo: number[] = [];
    let sameSession = true;
    for (let i = 0; i < RUNS; i++) {
      proxy.setMode('refuse');
      proxy.reset();
      await until(keeper, (state) => state === 'reconnecting');
      await sleep(1_000);
      proxy.setMode('pass');
      const restoredAt = performance.now();
      await until(keeper, (state) => state === 'ready');
      ready.push(performance.now() - restoredAt);
      await keeper.message('bench', handleId, { audio: true });
      echo.push(performance.now() - restoredAt);
      sameSession &&= keeper.snapshot().sessionId === sessionId;
      await sleep(300);
    }
    const r = summarize(ready), e = summarize(echo);
    lines.push(`| ${kind} | recovery after a 1 s cut: restore -> ready | ${ms(r.median)} | ${ms(r.min)} - ${ms(r.max)} | ${RUNS} |`);
    lines.push(`| ${kind} | restore -> first EchoTest answer | ${ms(e.median)} | ${ms(e.min)} - ${ms(e.max)} | ${RUNS} (same session: ${sameSession}) |`);
    await keeper.destroy();

    for (const [label, config] of [['defaults (keepalive 10 s + 5 s deadline)', {}],
      ['keepalive 1 s + 1.5 s deadline', { keepAliveMs: 1_000, keepAliveTimeoutMs: 1_500 }]] as const) {
      const runs = quick || label.startsWith('defaults') ? 1 : 5;
      const detect: number[] = [];
      for (let i = 0; i < runs; i++) {
        const watched = newKeeper({ server, ...config });
        await watched.create();
        await sleep(Math.random() * 1000);
        proxy.setMode('blackhole');
        detect.push(await until(watched, (state) => state !== 'ready', 60_000));
        proxy.setMode('pass');
        await until(watched, (state) => state === 'ready');
        await watched.destroy();
      }
      const d = summarize(detect);
      lines.push(`| ${kind} | blackhole noticed, ${label} | ${ms(d.median)} | ${ms(d.min)} - ${ms(d.max)} | ${runs} |`);
    }
    await proxy.close();
  }
} finally {
  await janus.stop();
}
console.log(`keeper recovery, Node ${process.version}, ${os.cpus().length} cores, Janus on loopback through the fault proxy`);
console.log('| transport | what | median | range | runs |');
console.log('|---|---|---|---|---|');
for (const line of lines) console.log(line);
