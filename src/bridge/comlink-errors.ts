// Comlink's "throw" handler made to keep this library's error classes and fields (`name`, `code`,
// `reason`, a plugin error's `data`...): the keeper's calls are Comlink calls (bridge/port-calls),
// and an app that wraps the keeper itself, or exposes its own objects, installs it the same way.
import { transferHandlers, type TransferHandler } from 'comlink';
import { deserializeError, serializeError, type SerializedKeeperError } from './errors.js';

let installed = false;

/** Replaces Comlink's "throw" handler; call it in both bundles before any call crosses. */
export function installErrorTransfer(): void {
  if (installed) return;
  installed = true;
  const original = transferHandlers.get('throw') as TransferHandler<{ value: unknown }, unknown>;
  const handler: TransferHandler<{ value: unknown }, unknown> = {
    canHandle: (value): value is { value: unknown } => original.canHandle(value),
    serialize(thrown) {
      const value = thrown.value;
      const serialized = value instanceof Error ? serializeError(value) : undefined;
      return serialized ? [serialized, []] : original.serialize(thrown);
    },
    deserialize(serialized) {
      if (typeof serialized === 'object' && serialized !== null && 'keeperError' in serialized) {
        throw deserializeError(serialized as SerializedKeeperError);
      }
      return original.deserialize(serialized);
    },
  };
  transferHandlers.set('throw', handler);
}
