// A Node keeper as one janus.js tab's keeper (what the adapter's frames call): the calls bound to a
// tab, and, as a page's KeeperClient has, its state now and each one after.
import type { KeeperState } from '../src/bridge/api.js';
import type { KeeperCallsForFrames } from '../src/janusjs/frames.js';
import type { Keeper } from '../src/worker/keeper.js';

export function keeperForFrames(keeper: Keeper, tab: string): KeeperCallsForFrames {
  return {
    create: () => keeper.create(),
    attach: (plugin, options) => keeper.attach(tab, plugin, options),
    message: (handleId, body, jsep, options) => keeper.message(tab, handleId, body, jsep, options),
    trickle: (handleId, candidate) => keeper.trickle(tab, handleId, candidate),
    hangup: (handleId) => keeper.hangup(tab, handleId),
    detach: (handleId) => keeper.detach(tab, handleId),
    info: () => keeper.info(),
    on: (_type: 'state', listener: (state: KeeperState) => void) => {
      queueMicrotask(() => listener(keeper.snapshot(tab)));
      return keeper.on('state', () => listener(keeper.snapshot(tab)));
    },
  };
}
