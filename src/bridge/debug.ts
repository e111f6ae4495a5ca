import type { KeeperState } from './api.js';

/** One line per state transition for the `debug` switches: no session or handle id, no credential. */
export function describeState(state: KeeperState): string {
  const parts = [`state ${state.state}`];
  if (state.cause) parts.push(`(${state.cause})`);
  parts.push(`tabs ${state.tabs}`, `handles ${state.handles.length}`, `transport ${state.transport}`);
  if (state.mode) parts.push(`mode ${state.mode}`);
  if (state.nextRetryAt !== undefined) parts.push(`next retry in ${Math.max(0, state.nextRetryAt - Date.now())} ms`);
  return `[janus-keeper] ${parts.join(' ')}`;
}
