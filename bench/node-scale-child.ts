// The child process of scenario 10 (run with --expose-gc, alone, so its heap holds nothing but the
// sessions): opens JanusSessions on one Janus up to each count of SCALE_COUNTS, and at each count
// prints one JSON line: heap and RSS after a GC, and the CPU the keepalives cost over a short window.
import WebSocket from 'ws';
import { JanusSession, type WebSocketConstructor } from '../src/janus/index.js';

const server = process.env['SCALE_SERVER']!;
const counts = process.env['SCALE_COUNTS']!.split(',').map(Number);
const windowMs = Number(process.env['SCALE_WINDOW_MS']);
const keepAliveMs = Number(process.env['SCALE_KEEPALIVE_MS']);
const gc = (globalThis as { gc?: () => void }).gc!;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const silent = { warn: () => {} };

const sessions: JanusSession[] = [];
const settle = async () => {
  for (let i = 0; i < 3; i++) {
    gc();
    await sleep(50);
  }
};
await settle();
const idle = { heap: process.memoryUsage().heapUsed, rss: process.memoryUsage().rss };
console.log(JSON.stringify({ count: 0, ...idle }));
let failed = 0;
for (const count of counts) {
  const openStart = performance.now();
  while (sessions.length < count && failed < 20) {
    const batch = Math.min(50, count - sessions.length);
    const results = await Promise.allSettled(Array.from({ length: batch }, () =>
      JanusSession.create({ server, WebSocket: WebSocket as unknown as WebSocketConstructor, keepAliveMs, logger: silent })));
    for (const result of results) {
      if (result.status === 'fulfilled') sessions.push(result.value);
      else failed++;
    }
  }
  const openMs = performance.now() - openStart;
  await settle();
  const { heapUsed, rss } = process.memoryUsage();
  const cpuStart = process.cpuUsage();
  const wallStart = performance.now();
  await sleep(windowMs);
  const cpu = process.cpuUsage(cpuStart);
  const wall = performance.now() - wallStart;
  const alive = sessions.filter((session) => session.state === 'open').length;
  console.log(JSON.stringify({ count: sessions.length, wanted: count, alive, failed, heap: heapUsed, rss, openMs,
    cpuMsPerMinute: ((cpu.user + cpu.system) / 1000) * (60_000 / wall) }));
  if (failed >= 20) break;
}
for (const session of sessions) session.close();
process.exit(0);
