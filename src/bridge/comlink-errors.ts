// Comlink's "throw" handler made to keep this library's error classes and fields (`name`, `code`,
// `reason`, a plugin error's `data`...): the keeper's calls are Comlink calls (bridge/port-calls),
// and an app that wraps the keeper itself, or exposes its own objects, installs it the same way.
import { transferHandlers, type TransferHandler } from 'comlink';
import { deserializeError, serializeError, type SerializedKeeperError } from './errors.js';

type ThrowHandler = TransferHandler<{ value: unknown }, unknown>;

let installed = false;

/** Replaces Comlink's "throw" handler; call it in both bundles before any call crosses. */
export function installErrorTransfer(): void {
  if (installed) return;
  installed = true;
  receiveErrors();
  const receiving = transferHandlers.get('throw') as ThrowHandler;
  const original = receiving.serialize;
  const handler: ThrowHandler = {
    ...receiving,
    serialize(thrown) {
      const value = thrown.value;
      const serialized = value instanceof Error ? serializeError(value) : undefined;
      return serialized ? [serialized, []] : original(thrown);
    },
  };
  transferHandlers.set('throw', handler);
}

let receiving = false;

/**
 * The receiving half, all a page needs (it never throws to the keeper): an error of this library
 * comes back with its class and fields. `installErrorTransfer` includes it.
 */
export function receiveErrors(): void {
  if (receiving) return;
  receiving = true;
  const original = transferHandlers.get('throw') as ThrowHandler;
  const handler: ThrowHandler = {
    ...original,
    deserialize(serialized) {
      if (typeof serialized === 'object' && serialized !== null && 'keeperError' in serialized) {
        throw deserializeError(serialized as SerializedKeeperError);
      }
      return original.deserialize(serialized);
    },
  };
  transferHandlers.set('throw', handler);
}
