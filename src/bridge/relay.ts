// The fallback where there is no SharedWorker: one tab (the leader, elected by a Web Lock) runs
// the keeper in a dedicated Worker, and every tab (the leader's too) talks to it over one
// BroadcastChannel. A BroadcastChannel reaches every tab and cannot carry MessagePorts, so each
// message says who it is for; these are all of its shapes.
import type { KeeperEndpoint, TabEvent, TabHello } from './api.js';
import { deserializeError, type SerializedKeeperError } from './errors.js';

/** The calls a tab makes over the relay: the keeper's endpoint, minus the port of `hello`. */
export type RelayMethod = Exclude<keyof KeeperEndpoint, 'hello'> | 'hello';

/** Tab -> leader. */
export type RelayRequest =
  /** Who leads now? The leader answers with `leader`. */
  | { kind: 'who'; from: string }
  | { kind: 'call'; from: string; to: string; id: number; method: RelayMethod; args: unknown[] };

/** Leader -> tabs. */
export type RelayReply =
  /** A (new) leader is up: tabs say `hello` to it again. */
  | { kind: 'leader'; leaderId: string }
  | { kind: 'result'; leaderId: string; to: string; id: number; value: unknown }
  | { kind: 'error'; leaderId: string; to: string; id: number; error: SerializedKeeperError | { message: string; name: string } }
  | { kind: 'event'; leaderId: string; to: string; event: TabEvent };

export type RelayMessage = RelayRequest | RelayReply;

/** The relay's arguments of `hello`: the events come back as `event` messages, not on a port. */
export type RelayHello = TabHello;

/** Calls that are safe to send again to a new leader when the old one went away mid-call. */
export const RETRYABLE_METHODS: ReadonlySet<RelayMethod> = new Set<RelayMethod>(['hello', 'create', 'state', 'online', 'info']);

const KINDS = new Set(['who', 'call', 'leader', 'result', 'error', 'event']);

/** A message on the relay channel, or undefined for anything else (other apps may share it). */
export function asRelayMessage(data: unknown): RelayMessage | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const kind = (data as { kind?: unknown }).kind;
  return typeof kind === 'string' && KINDS.has(kind) ? (data as RelayMessage) : undefined;
}

/** The relay channel and the leader lock of a keeper name. */
export function relayNames(base: string): { channel: string; leaderLock: string } {
  return { channel: `${base}/relay`, leaderLock: `${base}/leader` };
}

// In its own file: a page that never falls back to the leader loads only that, not the relay's shapes.
export { LeaderGoneError } from './leader-gone.js';

/** The error of an `error` reply, as the caller throws it (the project's classes keep theirs). */
export function relayedError(serialized: SerializedKeeperError | { name: string; message: string }): Error {
  if ('keeperError' in serialized) return deserializeError(serialized);
  const error = new Error(serialized.message);
  error.name = serialized.name;
  return error;
}
