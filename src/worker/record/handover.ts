// Upgrades: a keeper of a newer janus-keeper version (a new worker URL, deployed while tabs of the
// old one are open) that finds its record's lock held asks on the record's BroadcastChannel; the
// holder hands the session over when the asker is newer, and only then (never to an older or equal
// version, so two keepers never take it back and forth). The old keeper goes `idle` with a cause
// that tells its tabs to reload; reloaded, they run the new version and find their handles there.
import { VERSION } from '../../bridge/version.js';
import type { Keeper } from '../keeper.js';
import type { RecordLock } from './record-lock.js';

type HandoverMessage =
  /** A waiting keeper of `version` asks the holder to hand over. */
  | { kind: 'janus-keeper:handover'; version: string }
  /** A keeper of `version` just took the lock: a newer one still waiting asks it again. */
  | { kind: 'janus-keeper:holder'; version: string };

export const HANDED_OVER_CAUSE = 'handed over to a newer janus-keeper version: reload this page to use it';

/**
 * Wires `keeper` and its record `lock` to the handover channel; the returned function unwires.
 * The lock's queue goes on in order after a handover, so the next holder may be older than the
 * asker too: every new holder says so, and a newer keeper still waiting asks it again.
 */
export function offerHandover(keeper: Keeper, lock: RecordLock, ownVersion = VERSION): () => void {
  if (typeof BroadcastChannel === 'undefined') return () => {};
  const channel = new BroadcastChannel(`${lock.name}/handover`);
  const post = (message: HandoverMessage) => channel.postMessage(message);
  let waiting = false;
  channel.onmessage = (event: MessageEvent) => {
    const message = event.data as Partial<HandoverMessage> | null;
    if (typeof message?.version !== 'string') return;
    if (message.kind === 'janus-keeper:holder') {
      if (waiting && compareVersions(ownVersion, message.version) > 0) post({ kind: 'janus-keeper:handover', version: ownVersion });
      return;
    }
    if (message.kind !== 'janus-keeper:handover') return;
    if (!lock.held || compareVersions(message.version, ownVersion) <= 0) return;
    keeper.handOver(HANDED_OVER_CAUSE);
    lock.release();
  };
  const unwatch = lock.watch((change) => {
    waiting = change === 'waiting';
    if (change === 'waiting') post({ kind: 'janus-keeper:handover', version: ownVersion });
    if (change === 'held') post({ kind: 'janus-keeper:holder', version: ownVersion });
  });
  return () => {
    unwatch();
    channel.close();
  };
}

/** Semver order of `a` and `b` (negative, 0, positive); a pre-release sorts before its release. */
export function compareVersions(a: string, b: string): number {
  const parse = (version: string) => {
    const [core = '', pre] = version.split(/-(.*)/s, 2);
    return { parts: core.split('.').map((part) => Number.parseInt(part, 10) || 0), pre };
  };
  const left = parse(a);
  const right = parse(b);
  for (let i = 0; i < 3; i++) {
    const difference = (left.parts[i] ?? 0) - (right.parts[i] ?? 0);
    if (difference !== 0) return Math.sign(difference);
  }
  if (left.pre === right.pre) return 0;
  if (left.pre === undefined) return 1;
  if (right.pre === undefined) return -1;
  return left.pre < right.pre ? -1 : 1;
}
