// A JanusSession's public shapes: its states, its events and the options of `attach`.
import type { JanusError, TransportError } from '../errors.js';
import type { JanusMessage } from '../protocol.js';

/** A session's life: open, disconnected, lost or destroyed. */
export type SessionState = 'open' | 'disconnected' | 'lost' | 'destroyed';

/** The events of a {@link JanusSession}: `disconnected`, `lost`, `destroyed`, `keepalive`, `event`, `late-handle`. */
export interface SessionEvents {
  /**
   * The link is gone; the session may still live on Janus: claim it with `create({ sessionId })`.
   * `error.local` is true when this side caused it (e.g. the keepalive timer woke up after the
   * machine slept longer than the session timeout: the link is likely dead and the session may be).
   */
  disconnected: TransportError;
  /** Janus no longer has the session (timed out, or 458 to a request). */
  lost: JanusError;
  destroyed: undefined;
  /** Janus acknowledged a keepalive (for counters). */
  keepalive: undefined;
  /** A frame for no known handle (e.g. for a handle this instance has not re-bound yet). */
  event: JanusMessage;
  /**
   * An attach that had timed out was answered late on the same link (a link that stalled, then
   * flowed again): the handle it made, which no caller knows, was detached at once (its id).
   */
  'late-handle': number;
}

/** Options of `attach`: re-bind an existing `handleId` without a request, or set an `opaqueId`. */
export interface AttachOptions {
  /** Re-bind to a handle that already exists on this (reclaimed) session: no request is sent. */
  handleId?: number;
  opaqueId?: string;
  /**
   * A token for this attach only (Janus checks that it grants the plugin: 405 otherwise), as
   * janus.js `attach({ token })`; the handle's later requests carry the session's token.
   */
  token?: string;
}
