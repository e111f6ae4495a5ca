// `npm run bench:claim`: what a claim costs next to a create, over both transports, against one
// real Janus on loopback. Each sample times the whole JanusSession.create() call (open the link +
// create or claim), then attaching echotest (create) or re-binding the known handle (claim).
import os from 'node:os';
import WebSocket from 'ws';
import { startJanus } from '../e2e/fixtures/janus-launcher.js';
import { JanusSession, type TransportKind, type WebSocketConstructor } from '../src/janus/index.js';
import { ms, summarize } from './stats.js';

const RUNS = Number(process.env.RUNS ?? (process.argv.includes('--quick') ? 10 : 200));
const PLUGIN = 'janus.plugin.echotest';

const janus = await startJanus({ sessionTimeout: 60, reclaimTimeout: 30, logLevel: 2 });
const base = { WebSocket: WebSocket as unknown as WebSocketConstructor, keepAliveMs: 25_000 };
const rows: string[] = [];

try {
  for (const kind of ['ws', 'http'] as TransportKind[]) {
    const server = kind === 'ws' ? janus.wsUrl : janus.httpUrl;
    const create: number[] = [];
    const createAttach: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const start = performance.now();
      const session = await JanusSession.create({ ...base, server });
      create.push(performance.now() - start);
      await session.attach(PLUGIN);
      createAttach.push(performance.now() - start);
      await session.destroy();
    }

    const claim: number[] = [];
    const claimRebind: number[] = [];
    let session = await JanusSession.create({ ...base, server });
    const handleId = (await session.attach(PLUGIN)).id;
    for (let i = 0; i < RUNS; i++) {
      session.close();
      const start = performance.now();
      session = await JanusSession.create({ ...base, server, sessionId: session.id });
      claim.push(performance.now() - start);
      await session.attach(PLUGIN, { handleId });
      claimRebind.push(performance.now() - start);
    }
    await session.destroy();

    const c = summarize(create), ca = summarize(createAttach), r = summarize(claim), rr = summarize(claimRebind);
    rows.push(`| ${kind} | create | ${ms(c.median)} | ${ms(c.p95)} | ${ms(ca.median)} (+ attach) |`);
    rows.push(`| ${kind} | claim | ${ms(r.median)} | ${ms(r.p95)} | ${ms(rr.median)} (+ re-bind handle, no request) |`);
  }
} finally {
  await janus.stop();
}

console.log(`claim vs create: ${RUNS} runs each, Janus on loopback, ${os.cpus().length} cores, node ${process.version}`);
console.log('| transport | call | median | p95 | median with handle |');
console.log('|---|---|---|---|---|');
for (const row of rows) console.log(row);
