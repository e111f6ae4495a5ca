// The seeded scheduler: one seed gives one config and one interleaving of tab calls, network
// deliveries, timers and faults, the same every time it runs. Invariants are checked after every
// step; a run stops at its first violation, with the trace that replays it.
import { seeded } from '../fake-clock.js';
import { settle } from './sim-clock.js';
import { ECHO, TEXTROOM, TOKEN, World, type SimOptions } from './world.js';

export const TAB_IDS = ['tab-1', 'tab-2', 'tab-3'];

export interface RunOptions {
  steps: number;
  /** Use the explicit handle-move API (`take: true`, the `handle-moved` event). */
  take?: boolean;
  /** Invariants not checked. */
  ignore?: string[];
  /** Called after each step (a replay prints the trace as it goes). */
  onStep?: (world: World) => void;
}

export interface RunResult {
  seed: number;
  steps: number;
  violations: string[];
  /** Sessions the keeper reported lost by its clock while Janus still had them (allowed). */
  earlyGiveUps: number;
  trace: string[];
  options: SimOptions;
}

/** The config a seed runs with. */
export function optionsFor(seed: number, take = false): SimOptions {
  const random = seeded(seed * 31 + 17);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const sessionTimeoutS = pick([10, 20, 30, 60]);
  const requestTimeoutMs = pick([2_000, 3_000, 5_000]);
  const options: SimOptions = {
    seed,
    autoRecreate: random() < 0.5,
    standalone: random() < 0.25,
    sessionTimeoutS,
    reclaimTimeoutS: random() < 0.05 ? 0 : pick([3, 5, 10, 20]),
    requestTimeoutMs,
    keepAliveMs: Math.min(10_000, Math.round((sessionTimeoutS * 1000) / 3)),
    keepAliveTimeoutMs: Math.min(2_000, requestTimeoutMs),
    tabGraceMs: 3_000,
    maxAttemptsPerMinute: random() < 0.2 ? 6 : 60,
    take,
    transport: 'ws',
  };
  const tokens = random();
  if (tokens < 0.2) options.token = TOKEN;
  else if (tokens < 0.4) options.tokenLifeMs = pick([10_000, 30_000, 120_000]);
  if (random() < 0.3) options.transport = 'http';
  return options;
}

type Op = { name: string; weight: number; run: () => void | Promise<void> };

function operations(world: World): Op[] {
  const r = world.random;
  const pick = <T>(list: readonly T[]): T | undefined => list[Math.floor(r() * list.length)];
  const { keeper, net, model, store, options } = world;
  const withPages = [...world.tabs.values()].filter((tab) => tab.page || options.standalone).map((tab) => tab.id);
  const tab = pick(withPages);
  const ownHandles = (id: string) => [...world.handles.entries()].filter(([, owned]) => owned.tab === id).map(([h]) => h);
  const mine = tab === undefined ? [] : ownHandles(tab);
  const others = [...world.handles.entries()].filter(([, owned]) => owned.tab !== tab);
  const usable = net.usable();
  const ops: Op[] = [
    { name: 'deliver', weight: net.queue.length > 0 ? 40 : 0, run: () => world.deliver(Math.floor(r() * 8)) },
    { name: 'tick', weight: 12, run: () => world.tick() },
    { name: 'wait', weight: 3, run: () => world.wait(Math.floor(r() * 3_000)) },
    { name: 'open', weight: 3, run: () => world.openPage(pick(TAB_IDS.filter((id) => !world.tab(id).page)) ?? 'tab-1') },
  ];
  if (tab !== undefined) {
    ops.push(
      { name: 'create', weight: 4, run: () => void world.create(tab) },
      { name: 'attach', weight: 5, run: () => void world.attach(tab, r() < 0.9 ? ECHO : TEXTROOM) },
      { name: 'message', weight: mine.length > 0 ? 6 : 0, run: () => void world.message(tab, pick(mine)!) },
      { name: 'detach', weight: mine.length > 0 ? 2 : 0, run: () => void world.detach(tab, pick(mine)!) },
      { name: 'destroy', weight: 0.7, run: () => void world.destroy(tab) },
      { name: 'online', weight: 2, run: () => world.online() },
      { name: 'close', weight: world.tab(tab).page ? 1.5 : 0, run: () => world.closePage(tab, false) },
      { name: 'reload', weight: world.tab(tab).page ? 2 : 0, run: () => world.closePage(tab, true) },
    );
    if (others.length > 0) {
      const [handleId, owned] = pick(others)!;
      const plugin = r() < 0.7 ? owned.plugin : owned.plugin === ECHO ? TEXTROOM : ECHO;
      ops.push({ name: 'attach-other', weight: 1.5,
        run: () => void world.attach(tab, plugin, options.take ? { handleId, take: true } : { handleId }) });
    }
  }
  ops.push(
    { name: 'drop', weight: usable.length > 0 ? 3 : 0, run: () => world.drop(pick(usable)!) },
    { name: 'blackhole-link', weight: usable.length > 0 ? 0.7 : 0, run: () => {
      const socket = pick(usable)!;
      net.blackhole(socket);
      world.log(`link ${socket.linkId} goes silent`);
    } },
    { name: 'refuse', weight: 1.5, run: () => {
      const count = 1 + Math.floor(r() * 3);
      for (let i = 0; i < count; i++) net.connectFaults.push('refuse');
      world.log(`the next ${count} connects will be refused`);
    } },
    { name: 'blackhole-connect', weight: 0.7, run: () => {
      net.connectFaults.push('blackhole');
      world.log('the next connect will be blackholed');
    } },
    { name: 'restart', weight: 0.4, run: () => {
      world.restartJanus();
      net.connectFaults.push('refuse');
    } },
    { name: 'worker-restart', weight: 0.5, run: () => {
      world.restartWorker();
      // The pages reconnect to the new worker and ask for the session again.
      const asker = pick([...world.tabs.values()].filter((candidate) => candidate.page || options.standalone).map((candidate) => candidate.id));
      if (asker !== undefined) void world.create(asker);
    } },
    { name: 'sleep', weight: 0.6, run: () => world.sleep(1_000 + Math.floor(r() * options.sessionTimeoutS * 2_000)) },
    { name: 'store', weight: 0.8, run: () => {
      const which = pick(['failLoad', 'failSave', 'failClear', 'failNextOpen'] as const)!;
      store[which] = which === 'failNextOpen' ? true : !store[which];
      world.log(`store: ${which} = ${store[which]}`);
    } },
    { name: 'revoke-tokens', weight: options.tokenLifeMs !== undefined ? 0.4 : 0, run: () => world.revokeTokens() },
    { name: 'provider-bad', weight: options.tokenLifeMs !== undefined ? 0.3 : 0, run: () => {
      world.provider.bad = !world.provider.bad;
      world.log(world.provider.bad ? 'the token provider turns bad' : 'the token provider works again');
    } },
    { name: 'provider-slow', weight: options.tokenLifeMs !== undefined ? 0.3 : 0, run: () => {
      world.provider.delayMs = world.provider.delayMs > 0 ? 0 : pick([200, options.requestTimeoutMs * 2])!;
      world.log(`the token provider answers after ${world.provider.delayMs} ms`);
    } },
    { name: 'set-token', weight: options.tokenLifeMs !== undefined || options.token ? 0.3 : 0, run: () => world.setToken() },
    { name: 'token', weight: options.token ? 0.3 : 0, run: () => {
      model.token = model.token === TOKEN ? 'another-token' : TOKEN;
      world.log(model.token === TOKEN ? 'the token is valid again' : 'the token was revoked');
    } },
  );
  const handles = [...model.sessions.values()].flatMap((session) => [...session.handles.keys()].map((h) => [session.id, h] as const));
  if (handles.length > 0) {
    ops.push({ name: 'janus-drops-handle', weight: 0.5, run: () => {
      const [sessionId, handleId] = pick(handles)!;
      const notify = r() < 0.5;
      model.dropHandle(sessionId, handleId, notify);
      world.log(`Janus drops handle ${handleId}${notify ? '' : ' without telling'}`);
    } });
  }
  void keeper;
  return ops.filter((op) => op.weight > 0);
}

/** Runs one seed; stops at the first violation. */
export async function runSeed(seed: number, run: RunOptions): Promise<RunResult> {
  const options = optionsFor(seed, run.take);
  const world = new World(options);
  world.invariants.ignore = new Set(run.ignore ?? []);
  const onUnhandled = (reason: unknown) => world.invariants.unhandled(reason);
  process.on('unhandledRejection', onUnhandled);
  try {
    world.log(`config ${JSON.stringify(options)}`);
    world.openPage('tab-1');
    await world.endStep();
    while (world.step < run.steps && world.invariants.violations.length === 0) {
      const ops = operations(world);
      const total = ops.reduce((sum, op) => sum + op.weight, 0);
      let draw = world.random() * total;
      const op = ops.find((candidate) => (draw -= candidate.weight) < 0) ?? ops[0]!;
      await op.run();
      await world.endStep();
      run.onStep?.(world);
    }
    return { seed, steps: world.step, violations: [...world.invariants.violations], earlyGiveUps: world.invariants.earlyGiveUps,
      trace: world.trace, options };
  } finally {
    await shutdown(world);
    process.off('unhandledRejection', onUnhandled);
  }
}

/**
 * Nothing of a run uses real time or I/O: once its clock stops and its network is emptied, nothing
 * of it runs again (its pending promises are simply never settled, and collected).
 */
async function shutdown(world: World): Promise<void> {
  world.net.queue.length = 0;
  await settle();
}
