// Shared set-up of the scripted scenarios: a world with one page open, a ready session, and the
// assertion that no invariant broke (with the trace when one did).
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { advance, explain, flush } from './script.js';
import { World, type SimOptions } from './world.js';

let current: World | undefined;
const onUnhandled = (reason: unknown) => current?.invariants.unhandled(reason);

/** Routes unhandled rejections of the file's scenarios to the running world's invariants. */
export function watchUnhandled(): void {
  before(() => process.on('unhandledRejection', onUnhandled));
  after(() => process.off('unhandledRejection', onUnhandled));
}

export function worldWith(options: Partial<SimOptions> = {}): World {
  current = new World({ seed: 1, ...options });
  current.openPage('tab-1');
  return current;
}

/** Creates the session over a working network; returns its id. */
export async function ready(world: World, tab = 'tab-1'): Promise<number> {
  await finish(world, world.create(tab));
  assert.equal(world.keeper.state, 'ready', explain(world));
  return world.keeper.snapshot().sessionId!;
}

/** Attaches an echotest handle over a working network; returns its id. */
export async function attached(world: World, tab = 'tab-1'): Promise<number> {
  const handle = await finish(world, world.attach(tab));
  assert.ok(handle, explain(world));
  return handle.handleId;
}

/** The link that carries the session now. */
export function linkOf(world: World, sessionId: number) {
  const socket = world.net.usable().find((candidate) => candidate.sessions.has(sessionId));
  assert.ok(socket, 'a link carries the session');
  return socket;
}

/** Fires timers (delivering nothing) until the keeper opens a new link; returns it. */
export async function untilConnect(world: World, maxTimers = 50) {
  await world.endStep();
  const before = world.net.sockets.length;
  for (let i = 0; i < maxTimers && world.net.sockets.length === before; i++) {
    world.tick();
    await world.endStep();
  }
  assert.ok(world.net.sockets.length > before, 'the keeper opened a link');
  return world.net.sockets.at(-1)!;
}

/**
 * Lets the network and time work until the call settles (at most `maxMs` of time): a scenario never
 * awaits a keeper call the simulation cannot finish, which would end the test run instead of failing it.
 */
export async function finish<T>(world: World, call: Promise<T>, maxMs = 120_000): Promise<T> {
  let settled = false;
  call.then(() => (settled = true), () => (settled = true));
  const until = world.clock.now() + maxMs;
  for (;;) {
    await flush(world);
    if (settled) break;
    const next = Math.min(world.clock.nextAt ?? Infinity, world.model.nextSweepAt);
    if (next > until) break;
    world.tick();
    await world.endStep();
  }
  assert.ok(settled, `the call settled within ${maxMs} ms\n${explain(world)}`);
  return call;
}

export function noViolations(world: World): void {
  assert.deepEqual(world.invariants.violations, [], explain(world));
}

export { advance, flush };
