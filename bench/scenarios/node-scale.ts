// 10. Scale inside one Node process: JanusSessions (our session layer, one WebSocket each, as a
// standalone keeper holds them) kept open on one real Janus, counted up to 10,000 in a child
// process run with --expose-gc. At each count: JS heap and RSS per session (above the idle
// process, after a GC), the keepalive CPU over a short window scaled to a minute (keepalive
// every 5 s to have enough of them in the window; at the 25 s default divide by 5), and Janus's
// own RSS. Stops early if Janus refuses sessions (then the largest count that worked is reported).
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { BenchContext } from '../context.js';
import type { Row } from '../table.js';

interface Line { count: number; wanted?: number; alive?: number; failed?: number; heap: number; rss: number; openMs?: number; cpuMsPerMinute?: number }

const janusRss = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN) * 1024;

export async function nodeScale(ctx: BenchContext): Promise<Row[]> {
  const counts = ctx.quick ? [20, 50] : [1_000, 5_000, 10_000];
  const keepAliveMs = 5_000;
  const windowMs = ctx.quick ? 500 : 15_000;
  const janusIdle = janusRss(ctx.janus.pid);
  const lines: (Line & { janusRss: number })[] = [];
  const child = fork(fileURLToPath(new URL('../node-scale-child.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx', '--expose-gc'], stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    env: { ...process.env, SCALE_SERVER: ctx.janus.wsUrl, SCALE_COUNTS: counts.join(','),
      SCALE_WINDOW_MS: String(windowMs), SCALE_KEEPALIVE_MS: String(keepAliveMs) },
  });
  let buffered = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('utf8');
    for (let at = buffered.indexOf('\n'); at >= 0; at = buffered.indexOf('\n')) {
      const line = JSON.parse(buffered.slice(0, at)) as Line;
      buffered = buffered.slice(at + 1);
      lines.push({ ...line, janusRss: janusRss(ctx.janus.pid) });
      if (line.count > 0) ctx.log(`node scale: ${line.count} sessions (${line.failed} failed)`);
    }
  });
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  if (code !== 0) throw new Error(`node scale child exited with ${code}`);
  const [idle, ...steps] = lines;
  if (!idle) throw new Error('node scale child printed nothing');
  const rows: Row[] = [];
  const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
  for (const step of steps) {
    const n = step.count;
    const note = step.count < (step.wanted ?? 0) ? `wanted ${step.wanted}: Janus refused ${step.failed}` : undefined;
    rows.push({ scenario: '10', metric: `${n} sessions in one Node process: heap / RSS per session`, unit: 'bytes',
      ours: (step.heap - idle.heap) / n, janusjs: null,
      oursText: `${kib((step.heap - idle.heap) / n)} / ${kib((step.rss - idle.rss) / n)}`,
      note: `${step.alive} open after the window; opened in ${((step.openMs ?? 0) / 1000).toFixed(1)} s${note ? `; ${note}` : ''}` });
    rows.push({ scenario: '10', metric: `${n} sessions: keepalive CPU per minute (every 5 s; at the 25 s default / 5)`, unit: 'ms',
      ours: step.cpuMsPerMinute ?? NaN, janusjs: null,
      oursText: `${(step.cpuMsPerMinute ?? NaN).toFixed(0)} ms/min (${((step.cpuMsPerMinute ?? NaN) / n * 1000).toFixed(1)} ms per 1,000 sessions)` });
    rows.push({ scenario: '10', metric: `${n} sessions: Janus RSS per session`, unit: 'bytes',
      ours: (step.janusRss - janusIdle) / n, janusjs: null, oursText: kib((step.janusRss - janusIdle) / n) });
  }
  return rows;
}
