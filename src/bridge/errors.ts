// Errors cross the page <-> worker boundary (Comlink's "throw" handler, the relay) with their class and
// fields (`code`, `reason`, a plugin error's `data`, `sessionId`, `timeoutMs`, `local`...), not only message, name and stack.
import {
  DestroyedError,
  InvalidArgumentError,
  JanusError,
  JanusKeeperError,
  PluginError,
  SessionReclaimException,
  TimeoutError,
  TokenProviderError,
  TokenRefusedError,
  TransportError,
} from '../janus/index.js';
import { VersionMismatchError } from './version.js';

type ErrorClass = abstract new (...args: never[]) => Error;

const errorClasses = new Map<string, ErrorClass>();
const FIELDS = ['code', 'reason', 'data', 'plugin', 'answer', 'sessionId', 'timeoutMs', 'local', 'pageVersion', 'workerVersion', 'url'] as const;

/** Makes errors of this class cross the boundary with their class and fields (both sides). */
export function registerErrorClass(name: string, errorClass: ErrorClass): void {
  errorClasses.set(name, errorClass);
}

// Keys are the errors' `name`s (not `Class.name`, which a minifier renames).
const builtIn = { JanusKeeperError, JanusError, PluginError, SessionReclaimException, TransportError, TimeoutError,
  InvalidArgumentError, DestroyedError, VersionMismatchError, TokenRefusedError, TokenProviderError };
for (const [name, errorClass] of Object.entries(builtIn)) registerErrorClass(name, errorClass);

export interface SerializedKeeperError {
  keeperError: true;
  name: string;
  message: string;
  stack?: string;
  fields: Record<string, unknown>;
}

export function serializeError(error: Error): SerializedKeeperError | undefined {
  if (!errorClasses.has(error.name)) return undefined;
  const fields: Record<string, unknown> = {};
  for (const field of FIELDS) {
    if (field in error) fields[field] = (error as unknown as Record<string, unknown>)[field];
  }
  const serialized: SerializedKeeperError = { keeperError: true, name: error.name, message: error.message, fields };
  if (error.stack !== undefined) serialized.stack = error.stack;
  return serialized;
}

export function deserializeError(serialized: SerializedKeeperError): Error {
  const errorClass = errorClasses.get(serialized.name) ?? JanusKeeperError;
  const error = Object.create(errorClass.prototype) as Error;
  Object.assign(error, serialized.fields, { name: serialized.name, message: serialized.message });
  if (serialized.stack !== undefined) error.stack = serialized.stack;
  return error;
}
