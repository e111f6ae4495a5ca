// Helpers for scripted interleavings (the named regression scenarios): deliver chosen frames,
// let time pass with the network delivering everything, count what went over the wire.
import type { Delivery, WireEvent } from './fake-websocket.js';
import { settle } from './sim-clock.js';
import type { World } from './world.js';

/** Delivers the first deliverable entry that matches (by kind and Janus request type); false if none. */
export async function deliverWhere(world: World, match: (delivery: Delivery, janus: string | undefined) => boolean): Promise<boolean> {
  const { net } = world;
  await settle();
  for (const [headIndex, index] of net.heads().entries()) {
    const delivery = net.queue[index]!;
    const janus = delivery.data === undefined ? undefined : (JSON.parse(delivery.data) as { janus: string }).janus;
    if (!match(delivery, janus)) continue;
    world.deliver(headIndex);
    await world.endStep();
    return true;
  }
  return false;
}

/** Delivers (to Janus or to the client) the next frame of this Janus type. */
export function deliverFrame(world: World, direction: 'up' | 'down', janus: string): Promise<boolean> {
  return deliverWhere(world, (delivery, type) => delivery.direction === direction && type === janus);
}

/** Delivers every connect and frame in flight, new ones too, until the network is quiet. */
export async function flush(world: World): Promise<void> {
  await settle();
  for (let i = 0; i < 500 && world.net.queue.length > 0; i++) {
    world.deliver(0);
    await world.endStep();
  }
}

/** Lets `ms` pass with a working network: everything in flight is delivered at once. */
export async function advance(world: World, ms: number): Promise<void> {
  const until = world.clock.now() + ms;
  for (;;) {
    await flush(world);
    const next = Math.min(world.clock.nextAt ?? Infinity, world.model.nextSweepAt);
    if (next > until) break;
    world.tick();
    await world.endStep();
  }
  world.clock.moveTo(until);
  await flush(world);
}

/** Runs a call and lets the network answer it (and `ms` more of time pass). */
export async function settleCall<T>(world: World, call: Promise<T>, ms = 0): Promise<T> {
  await settle();
  await advance(world, ms);
  return call;
}

export function wire(world: World, what: WireEvent['what'], janus: string, since = -Infinity): WireEvent[] {
  return world.net.wire.filter((event) => event.what === what && event.janus === janus && event.at >= since);
}

/** The violations of the run so far, for an assertion message. */
export function explain(world: World): string {
  const trace = world.trace.filter((line) => !line.endsWith('Janus checks expiries'));
  return [...world.invariants.violations, '--- trace:', ...trace.slice(-40)].join('\n');
}
