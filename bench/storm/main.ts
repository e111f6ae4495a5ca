// `npm run bench:storm`: N clients (STORM_CLIENTS, default 1,000) in a few Node processes each keep
// a session + EchoTest handle on one real Janus through the fault proxy (in this process, so it
// sees every connection attempt). A: the proxy resets every connection at once (Janus keeps the
// sessions) -- with our schedule, socket.io's and Phoenix's. B: Janus is killed and restarted on the
// same ports (sessions gone; the keepers re-create and re-attach). `--smoke`: 100 clients, short
// deadlines, exit code 1 unless every client was ready again (figures not asserted).
// Env: STORM_PROCS, STORM_DEADLINE_MS, STORM_BASE_MS / STORM_FLOOR_MS / STORM_CAP_MS (our schedule),
// STORM_VARIANTS="base/floor,..." (more A runs of ours), STORM_SCHEDULES="ours,socket.io,phoenix",
// STORM_SKIP_B=1, STORM_WORKER_ARGS (more node flags for the client processes).
// Draws docs/storm.svg (attempts per 100 ms for each schedule; the smoke's goes to the OS temp
// folder); `--draw` only redraws it from bench/storm-results.json, without running anything.
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startFaultProxy, type FaultProxy } from '../../e2e/fixtures/fault-proxy.js';
import { startJanus, type RunningJanus } from '../../e2e/fixtures/janus-launcher.js';
import { DEFAULT_BACKOFF, type BackoffPolicy } from '../../src/worker/recovery/backoff.js';
import type { ClientResult, FromWorker, ToWorker } from './protocol.js';
import { figures, plot, table, type ScenarioFigures } from './report.js';
import { scheduleFor, type ScheduleName } from './schedules.js';
import { simulate } from './simulate.js';
import { stormPicture } from './picture.js';
import { writeBenchmarksPage } from '../docs-page.js';

const smoke = process.argv.includes('--smoke');
const env = (name: string) => process.env[name];
const num = (name: string, fallback: number) => (env(name) ? Number(env(name)) : fallback);
const N = num('STORM_CLIENTS', smoke ? 100 : 1_000);
const PROCS = num('STORM_PROCS', Math.min(4, Math.max(2, Math.ceil(N / 250))));
const DEADLINE_MS = num('STORM_DEADLINE_MS', smoke ? 10_000 : 60_000);
const SETUP_MS = 60_000;
const WORKER = fileURLToPath(new URL('./worker.ts', import.meta.url));
const RESULTS = fileURLToPath(new URL('../storm-results.json', import.meta.url));
const PICTURE = smoke ? join(os.tmpdir(), 'janus-keeper-storm-smoke.svg') : fileURLToPath(new URL('../../docs/storm.svg', import.meta.url));

if (process.argv.includes('--draw')) {
  const stored = JSON.parse(readFileSync(RESULTS, 'utf8')) as { clients: number; scenarios: ScenarioFigures[] };
  writeFileSync(PICTURE, stormPicture(stored.scenarios, stored.clients));
  console.log('drawn from bench/storm-results.json to docs/storm.svg');
  process.exit(0);
}
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const ours: Partial<BackoffPolicy> = {};
if (env('STORM_BASE_MS')) ours.baseMs = Number(env('STORM_BASE_MS'));
if (env('STORM_FLOOR_MS')) ours.floorMs = Number(env('STORM_FLOOR_MS'));
if (env('STORM_CAP_MS')) ours.capMs = Number(env('STORM_CAP_MS'));
const policyLabel = (p: Partial<BackoffPolicy>) => {
  const { baseMs, floorMs } = { ...DEFAULT_BACKOFF, ...p };
  return `ours ${baseMs}/${floorMs}${Object.keys(p).length === 0 ? ' (default)' : ''}`;
};

interface Plan { label: string; scenario: 'A' | 'B'; schedule: ScheduleName; policy: Partial<BackoffPolicy> }
const plans: Plan[] = [];
for (const name of (env('STORM_SCHEDULES') ?? 'ours,socket.io,phoenix').split(',') as ScheduleName[]) {
  const label = name === 'ours' ? policyLabel(ours) : `${name} default`;
  plans.push({ label: `A: ${label}`, scenario: 'A', schedule: name, policy: name === 'ours' ? ours : {} });
}
for (const variant of (env('STORM_VARIANTS') ?? '').split(',').filter(Boolean)) {
  const [baseMs, floorMs] = variant.split('/').map(Number);
  const policy: Partial<BackoffPolicy> = { baseMs: baseMs!, floorMs: floorMs ?? DEFAULT_BACKOFF.floorMs };
  plans.push({ label: `A: ${policyLabel(policy)}`, scenario: 'A', schedule: 'ours', policy });
}
if (!env('STORM_SKIP_B')) plans.push({ label: `B: ${policyLabel(ours)}`, scenario: 'B', schedule: 'ours', policy: ours });

// --- client processes ------------------------------------------------------------------------

const children = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

interface Worker { child: ChildProcess; next(type: FromWorker['type'], timeoutMs: number): Promise<FromWorker> }

function spawnWorker(): Worker {
  const extra = env('STORM_WORKER_ARGS')?.split(' ').filter(Boolean) ?? []; // e.g. --cpu-prof
  const child = fork(WORKER, [], { execArgv: ['--import', 'tsx', '--expose-gc', ...extra], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  children.add(child);
  child.once('exit', () => children.delete(child));
  const inbox: FromWorker[] = [];
  const waiters = new Set<() => void>();
  child.on('message', (message: FromWorker) => {
    inbox.push(message);
    for (const waiter of [...waiters]) waiter();
  });
  const next = (type: FromWorker['type'], timeoutMs: number) => new Promise<FromWorker>((resolve, reject) => {
    const check = () => {
      const index = inbox.findIndex((message) => message.type === type);
      if (index >= 0) done(() => resolve(inbox.splice(index, 1)[0]!));
      else if (child.exitCode !== null || child.signalCode !== null) done(() => reject(new Error(`client process exited waiting for ${type}`)));
    };
    const done = (settle: () => void) => {
      clearTimeout(timer);
      waiters.delete(check);
      child.off('exit', check);
      settle();
    };
    const timer = setTimeout(() => done(() => reject(new Error(`no ${type} from a client process in ${timeoutMs} ms`))), timeoutMs);
    waiters.add(check);
    child.on('exit', check);
    check();
  });
  return { child, next };
}

function exited(child: ChildProcess, timeoutMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

const tell = (workers: Worker[], message: ToWorker) => workers.forEach((w) => w.child.send(message));

function rssOf(pid: number): number | undefined {
  try {
    const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb === undefined ? undefined : Number(kb) * 1024;
  } catch {
    return undefined;
  }
}

/** CPU time (user + system) of a process so far, in ms. */
function cpuOf(pid: number): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime + stime, 100 ticks a second
  } catch {
    return undefined;
  }
}

// --- one scenario --------------------------------------------------------------------------------

async function run(plan: Plan, janus: RunningJanus, proxy: FaultProxy, attemptTimes: number[]): Promise<ScenarioFigures> {
  const server = proxy.via(janus.wsUrl);
  const started = Date.now();
  const workers = Array.from({ length: PROCS }, spawnWorker);
  try {
    workers.forEach((w, i) => w.child.send({
      type: 'start', server, schedule: plan.schedule, policy: plan.policy, autoRecreate: plan.scenario === 'B',
      count: Math.floor(N / PROCS) + (i < N % PROCS ? 1 : 0),
    } satisfies ToWorker));
    const ups = await Promise.all(workers.map((w) => w.next('up', SETUP_MS)));
    const rss = ups.reduce((sum, m) => sum + (m.type === 'up' ? m.rss : 0), 0);
    const baselineRss = ups.reduce((sum, m) => sum + (m.type === 'up' ? m.baselineRss : 0), 0);
    const heapAbove = ups.reduce((sum, m) => sum + (m.type === 'up' ? m.heap - m.baselineHeap : 0), 0);
    const janusRss = rssOf(janus.pid);
    await sleep(500);
    tell(workers, { type: 'mark', recreate: plan.scenario === 'B' });
    await sleep(50); // the marks are delivered before the fault
    const t0 = Date.now();
    const from = attemptTimes.length;
    const janusCpuAt = cpuOf(janus.pid);
    let janusDownMs: number | undefined;
    const restarted = plan.scenario === 'A'
      ? Promise.resolve()
      : janus.restart('SIGKILL').then(() => void (janusDownMs = Date.now() - t0));
    restarted.catch(() => {}); // awaited below; not an unhandled rejection meanwhile
    if (plan.scenario === 'A') proxy.reset();
    await Promise.allSettled(workers.map((w) => w.next('settled', DEADLINE_MS - (Date.now() - t0))));
    const janusCpuAfter = cpuOf(janus.pid);
    await restarted;
    const until = Date.now();
    tell(workers, { type: 'collect' });
    const answers = await Promise.all(workers.map((w) => w.next('results', 20_000)));
    const results = answers.flatMap((m) => (m.type === 'results' ? m.clients : [] as ClientResult[]));
    const lagMs = Math.max(...answers.map((m) => (m.type === 'results' ? m.lagMs : 0)));
    const cpuMs = answers.reduce((sum, m) => sum + (m.type === 'results' ? m.cpuMs : 0), 0);
    const janusCpuMs = janusCpuAt === undefined || plan.scenario === 'B' ? undefined : (janusCpuAfter ?? 0) - janusCpuAt;
    const measured = { label: plan.label, scenario: plan.scenario, clients: N, t0, results, lagMs, cpuMs, rss, baselineRss, heapAbove,
      attemptTimes: attemptTimes.slice(from).filter((at) => at <= until), wallMs: Date.now() - started,
      ...(janusRss === undefined ? {} : { janusRss }), ...(janusCpuMs === undefined ? {} : { janusCpuMs }), ...(janusDownMs === undefined ? {} : { janusDownMs }) };
    return figures(measured);
  } finally {
    tell(workers.filter((w) => w.child.connected), { type: 'stop' });
    await Promise.allSettled(workers.map((w) => w.next('stopped', 12_000)));
    await Promise.all(workers.map((w) => exited(w.child, 5_000)));
    for (const w of workers) w.child.kill('SIGKILL');
  }
}

// --- main ----------------------------------------------------------------------------------------

const began = Date.now();
const hardStop = setTimeout(() => {
  console.error('storm: overall deadline passed, giving up');
  process.exit(2);
}, plans.length * (SETUP_MS + DEADLINE_MS + 45_000) + 30_000);
hardStop.unref();

const load = [os.loadavg()];
const janus = await startJanus({ sessionTimeout: 120, reclaimTimeout: 30, logLevel: 2 });
const attemptTimes: number[] = [];
const proxy = await startFaultProxy(janus.ports.ws, '127.0.0.1', { onConnection: (at) => attemptTimes.push(at) });
const all: ScenarioFigures[] = [];
try {
  console.log(`storm: ${N} clients in ${PROCS} processes, deadline ${DEADLINE_MS} ms per scenario, ` +
    `Node ${process.version}, ${os.cpus().length} cores, load ${load[0]!.map((l) => l.toFixed(2)).join(' ')}`);
  for (const plan of plans) {
    const f = await run(plan, janus, proxy, attemptTimes);
    if (plan.scenario === 'A') f.simulated = simulate(scheduleFor(plan.schedule, plan.policy), N);
    all.push(f);
    load.push(os.loadavg());
    console.log(`\n${plot(f)}`);
  }
} finally {
  await proxy.close();
  await janus.stop();
}
console.log(`\n${table(all)}`);
console.log(`\nwall time ${((Date.now() - began) / 1000).toFixed(1)} s; load average (1 min) during the run: ` +
  load.map((l) => l[0]!.toFixed(2)).join(', '));
if (!smoke) {
  writeFileSync(RESULTS, `${JSON.stringify({ date: new Date().toISOString(), node: process.version, cores: os.cpus().length,
    clients: N, processes: PROCS, loadAverages: load, scenarios: all }, null, 2)}\n`);
  writeBenchmarksPage();
  console.log('written to bench/storm-results.json and docs/benchmarks.md');
}
writeFileSync(PICTURE, stormPicture(all, N));
console.log(`picture written to ${smoke ? 'the OS temp folder' : 'docs/storm.svg'}`);
const complete = all.every((f) => f.up === N && f.ready === f.up);
if (smoke && !complete) {
  console.error('storm smoke: not every client had a session and was ready again');
  process.exit(1);
}
process.exit(0);
