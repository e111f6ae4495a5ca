// One client process of the storm: `count` keepers, each with its own session and an EchoTest
// handle. Driven by bench/storm/main.ts over IPC (see protocol.ts).
import { monitorEventLoopDelay } from 'node:perf_hooks';
import WebSocket from 'ws';
import type { KeeperState } from '../../src/bridge/api.js';
import type { WebSocketConstructor } from '../../src/janus/index.js';
import { Keeper } from '../../src/worker/keeper.js';
import { memoryStore } from '../../src/worker/record/store.js';
import type { ClientResult, FromWorker, StartMessage, ToWorker } from './protocol.js';
import { scheduleFor } from './schedules.js';

const ECHO = 'janus.plugin.echotest';
const OWNER = 'storm';

/** The `ws` WebSocket, noting when each connection attempt starts (the timer fired). */
function noting(times: number[]): WebSocketConstructor {
  return class extends WebSocket {
    constructor(...args: ConstructorParameters<typeof WebSocket>) {
      super(...args);
      if (marked) times.push(Date.now());
    }
  } as unknown as WebSocketConstructor;
}

interface Client {
  keeper: Keeper;
  attemptTimes: number[];
  sessionId: number;
  handleId: number;
  stats: KeeperState['stats'];
  droppedAt?: number;
  readyAt?: number;
  sameSession: boolean;
  echoed: boolean;
}

const send = (message: FromWorker) => process.send?.(message);
const gc = () => (globalThis as { gc?: () => void }).gc?.();
const clients: Client[] = [];
const lag = monitorEventLoopDelay({ resolution: 10 });
let cpuAtMark = process.cpuUsage();
let cpuMs = 0;
let recreate = false;
let marked = false;

async function inBatches<T>(items: T[], size: number, run: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, async () => {
    while (next < items.length) await run(items[next++]!).catch(() => {});
  }));
}

function settledAll(): boolean {
  return clients.every((client) => client.readyAt !== undefined);
}

function ready(client: Client): void {
  if (client.readyAt !== undefined) return;
  client.readyAt = Date.now();
  if (!settledAll()) return;
  const used = process.cpuUsage(cpuAtMark);
  cpuMs = (used.user + used.system) / 1000;
  send({ type: 'settled' });
}

function watch(client: Client): void {
  client.keeper.on('state', (state) => {
    if (!marked || client.readyAt !== undefined) return;
    if (state.state !== 'ready') client.droppedAt ??= Date.now();
    else if (client.droppedAt !== undefined && !recreate) {
      client.sameSession = state.sessionId === client.sessionId;
      ready(client);
    }
  });
  // After a lost session the keeper (autoRecreate) made a new one: the handle must be attached again.
  client.keeper.on('restore', ({ handle, sessionId }) => {
    void client.keeper.attach(OWNER, handle.plugin).then((info) => {
      client.handleId = info.handleId;
      client.sameSession = sessionId === client.sessionId;
      if (marked && recreate) ready(client);
    }, () => {});
  });
}

async function start(message: StartMessage): Promise<void> {
  gc();
  const { rss: baselineRss, heapUsed: baselineHeap } = process.memoryUsage();
  const schedule = scheduleFor(message.schedule, message.policy);
  let failed = 0;
  const slots = Array.from({ length: message.count }, (_, i) => i);
  await inBatches(slots, 20, async () => {
    const attemptTimes: number[] = [];
    const keeper = new Keeper({
      config: { server: message.server, autoRecreate: message.autoRecreate },
      store: memoryStore(), standalone: true, liveness: () => {}, logger: { warn: () => {} },
      WebSocket: noting(attemptTimes), schedule,
    });
    try {
      const { sessionId } = await keeper.create();
      const { handleId } = await keeper.attach(OWNER, ECHO);
      const client: Client = { keeper, attemptTimes, sessionId, handleId, stats: keeper.snapshot().stats,
        sameSession: false, echoed: false };
      watch(client);
      clients.push(client);
    } catch {
      failed++;
      await keeper.destroy().catch(() => {});
    }
  });
  gc();
  const { rss, heapUsed: heap } = process.memoryUsage();
  send({ type: 'up', rss, baselineRss, heap, baselineHeap, failed });
}

async function collect(): Promise<void> {
  // Does each ready client's EchoTest handle answer? (Outside the timed part.)
  lag.disable();
  await inBatches(clients.filter((client) => client.readyAt !== undefined), 50, async (client) => {
    await withTimeout(client.keeper.message(OWNER, client.handleId, { audio: true }), 5_000);
    client.echoed = true;
  });
  const results: ClientResult[] = clients.map((client) => {
    const now = client.keeper.snapshot().stats;
    const result: ClientResult = {
      sameSession: client.sameSession,
      attempts: now.connections - client.stats.connections,
      claims: now.claims - client.stats.claims,
      creates: now.creates - client.stats.creates,
      echoed: client.echoed,
      attemptTimes: client.attemptTimes,
    };
    if (client.readyAt !== undefined) result.readyAt = client.readyAt;
    if (client.droppedAt !== undefined) result.droppedAt = client.droppedAt;
    return result;
  });
  send({ type: 'results', clients: results, lagMs: lag.max / 1e6, cpuMs });
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([promise, new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timeout')), ms);
  })]).finally(() => clearTimeout(timer));
}

async function stop(): Promise<void> {
  await withTimeout(inBatches(clients, 50, (client) => client.keeper.destroy()), 10_000).catch(() => {});
  send({ type: 'stopped' });
  process.exit(0);
}

process.on('message', (message: ToWorker) => {
  if (message.type === 'start') void start(message);
  else if (message.type === 'mark') {
    recreate = message.recreate;
    marked = true;
    lag.enable();
    cpuAtMark = process.cpuUsage();
  } else if (message.type === 'collect') void collect();
  else if (message.type === 'stop') void stop();
});
// The parent went away: so do we (no orphans).
process.on('disconnect', () => process.exit(0));
