// The Node side of the `debug` switch: logs a Keeper's state transitions (no ids, no credentials).
import { describeState } from '../bridge/debug.js';
import type { Keeper } from './keeper.js';

/** Logs every state transition of `keeper`; returns the function that stops it. */
export function debugKeeper(keeper: Keeper, log: (line: string) => void = (line) => console.debug(line)): () => void {
  let last = '';
  return keeper.on('state', (state) => {
    const line = describeState(state);
    if (line !== last) log(line);
    last = line;
  });
}
