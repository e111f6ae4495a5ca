// The error of the leader-tab fallback that every page must know by its class, SharedWorker pages too.
import { TransportError } from '../janus/index.js';
import { registerErrorClass } from './errors.js';

/**
 * The leader tab went away while this call was in flight, and the call is not one that can be
 * safely sent again: its outcome is unknown (as with `TransportError`, which it extends).
 */
export class LeaderGoneError extends TransportError {
  override name = 'LeaderGoneError';
}
// It crosses the worker boundary too: a keeper that relays its pages to another rejects with it.
registerErrorClass('LeaderGoneError', LeaderGoneError);
