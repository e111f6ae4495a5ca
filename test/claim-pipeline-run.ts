// One claim and the first call on a real Janus through the fault proxy at a given one-way delay,
// seen on the wire (test/ws-wire.ts): when the claim went out, whether the message went out before
// Janus answered the claim (pipelined), and how long from the claim to the message's answer. Used
// by test/keeper-pipeline.test.ts and bench/claim-pipeline.ts.
import { startFaultProxy } from '../e2e/fixtures/fault-proxy.js';
import type { RunningJanus } from '../e2e/fixtures/janus-launcher.js';
import type { KeeperConfig } from '../src/bridge/api.js';
import { Keeper } from '../src/worker/keeper.js';
import { memoryStore } from '../src/worker/record/store.js';
import { quietLogger, waitFor } from './helpers.js';
import { PlainWebSocket, WireLog } from './ws-wire.js';

const ECHO = 'janus.plugin.echotest';

/**
 * - `drop`: the link is reset; a message made while the keeper reconnects goes with its claim.
 * - `reload`: a new keeper on the stored record (a reload whose worker died with the page): its
 *   `create()` and the tab's first `message()` on its stored handle, made together.
 * - `reload-sequential`: the same, the message made once `create()` resolved.
 * - `reload-told`: the tab does not know its handle's id (a reloaded page): it waits for the state
 *   that lists it (sent once the claim went out), then makes the message.
 */
export type ClaimCase = 'drop' | 'reload' | 'reload-sequential' | 'reload-told';

export interface ClaimRun {
  /** From the claim on the wire (client side) to the message's answer in the keeper (ms). */
  claimToAnswerMs: number;
  /** The message left the client before Janus sent the claim's answer. */
  pipelined: boolean;
  /** Janus frames on the claim's link, in the proxy's order (up: requests, down: answers). */
  order: string[];
}

/** The id of tab `me`'s handle of `plugin`, from the first state of `keeper` that lists it. */
function listedHandle(keeper: Keeper, plugin: string): Promise<number> {
  return new Promise((resolve) => {
    const off = keeper.on('state', () => {
      const handle = keeper.snapshot('me').handles.find((known) => known.plugin === plugin);
      if (!handle) return;
      off();
      resolve(handle.handleId);
    });
  });
}

export async function claimThenMessage(janus: RunningJanus, oneWayMs: number, how: ClaimCase): Promise<ClaimRun> {
  const wire = new WireLog();
  const proxy = await startFaultProxy(janus.ports.ws, '127.0.0.1', { tap: wire.tap });
  const config: KeeperConfig = { server: proxy.via(janus.wsUrl), requestTimeoutMs: 10_000,
    backoff: { baseMs: 20, capMs: 40, floorMs: 10 } };
  const keeperOn = () => new Keeper({ config, store, standalone: true, liveness: () => {}, logger: quietLogger(),
    WebSocket: PlainWebSocket });
  const store = memoryStore();
  let keeper = keeperOn();
  try {
    await keeper.create();
    const { handleId } = await keeper.attach('me', ECHO);
    proxy.setLatency(oneWayMs);
    const from = wire.frames.length;
    let answered: Promise<unknown>;
    if (how === 'drop') {
      proxy.reset();
      await waitFor('reconnecting', () => keeper.state === 'reconnecting', 10_000, 1);
      answered = keeper.message('me', handleId, { audio: true });
    } else {
      keeper.handOver('the page reloads');
      await waitFor('the old link closed', () => proxy.open === 0, 10_000, 5);
      keeper = keeperOn();
      const fresh = keeper;
      const created = fresh.create();
      answered = how === 'reload'
        ? Promise.all([created, fresh.message('me', handleId, { audio: true })])
        : how === 'reload-told'
          ? Promise.all([created, listedHandle(fresh, ECHO).then((id) => fresh.message('me', id, { audio: true }))])
          : created.then(() => fresh.message('me', handleId, { audio: true }));
    }
    await answered;
    const doneAt = performance.now();
    const claim = wire.find((frame) => frame.direction === 'up' && frame.janus === 'claim', from);
    const link = wire.claimLink(from);
    if (!claim || !link) throw new Error('no claim on the wire');
    const message = link.firstSent('message');
    if (link.claimAnswer < 0 || message < 0) throw new Error(`claim answer or message missing: ${link.order.join(', ')}`);
    return { claimToAnswerMs: doneAt - claim.at, pipelined: message < link.claimAnswer, order: link.order };
  } finally {
    proxy.setLatency(0);
    await keeper.destroy().catch(() => {});
    await proxy.close();
  }
}
