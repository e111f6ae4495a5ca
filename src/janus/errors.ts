/** Janus core error codes (janus/apierror.h). */
export const JanusErrorCode = {
  Unauthorized: 403,
  UnauthorizedPlugin: 405,
  TransportSpecific: 450,
  MissingRequest: 452,
  UnknownRequest: 453,
  InvalidJson: 454,
  InvalidJsonObject: 455,
  MissingMandatoryElement: 456,
  InvalidRequestPath: 457,
  SessionNotFound: 458,
  HandleNotFound: 459,
  PluginNotFound: 460,
  PluginAttach: 461,
  PluginMessage: 462,
  PluginDetach: 463,
  JsepUnknownType: 464,
  JsepInvalidSdp: 465,
  Unknown: 490,
} as const;

/** Base class of every error this library throws on purpose. */
export class JanusKeeperError extends Error {
  override name = 'JanusKeeperError';
}

/** Janus's core answered `{"janus":"error"}` (codes of `JanusErrorCode`). */
export class JanusError extends JanusKeeperError {
  override name = 'JanusError';
  constructor(
    readonly code: number,
    readonly reason: string,
  ) {
    super(`Janus error ${code}: ${reason}`);
  }
}

/**
 * A `claim` that cannot succeed: Janus refused it (458, expired or unknown session) or the id
 * is not a valid Janus session id (checked before any I/O; then `code` is 458 too and
 * `sessionId` is undefined). The id itself never appears in the message: it is a credential.
 */
export class SessionReclaimException extends JanusError {
  override name = 'SessionReclaimException';
  constructor(
    code: number,
    reason: string,
    readonly sessionId: number | undefined,
  ) {
    super(code, reason);
    this.message = `Session reclaim refused (${code}): ${reason}`;
  }
}

/**
 * A plugin answered an error inside its data (`{ error_code, error, ... }`, e.g. videoroom 426 "no
 * such room"), not the core: its codes are the plugin's own and overlap the core's, so it is not a
 * `JanusError`. `data` is the plugin's whole answer; `answer` says how it came (a synchronous
 * `success`, or the `event` after an ack).
 */
export class PluginError extends JanusKeeperError {
  override name = 'PluginError';
  constructor(
    readonly code: number,
    readonly reason: string,
    readonly data: Record<string, unknown>,
    readonly plugin: string,
    readonly answer: 'success' | 'event',
  ) {
    super(`Plugin ${plugin} error ${code}: ${reason}`);
  }
}

/** The network link to Janus failed or closed before an answer came. */
export class TransportError extends JanusKeeperError {
  override name = 'TransportError';
  /**
   * The fault is on this side (the machine slept, the application closed the link), not the
   * server's: a reconnection need not wait behind a crowd's backoff.
   */
  readonly local: boolean;
  constructor(message: string, options?: { cause?: unknown; local?: boolean }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.local = options?.local ?? false;
  }
}

/** No answer within the request's deadline. The request may or may not have reached Janus. */
export class TimeoutError extends JanusKeeperError {
  override name = 'TimeoutError';
  constructor(
    message: string,
    readonly timeoutMs: number,
  ) {
    super(message);
  }
}

/** A call was given an argument it cannot use; thrown before any I/O. */
export class InvalidArgumentError extends JanusKeeperError {
  override name = 'InvalidArgumentError';
}

/** A call on a session or handle that was destroyed, detached or closed. */
export class DestroyedError extends JanusKeeperError {
  override name = 'DestroyedError';
}

/**
 * Janus refused the token (403) and no other could be had: the provider gave the same one, there
 * is no provider, or Janus refused the fresh one too. Final for that token: the next attempt waits
 * for a new one (`setToken`, or the provider after a backoff).
 */
export class TokenRefusedError extends JanusError {
  override name = 'TokenRefusedError';
  constructor(message: string) {
    super(JanusErrorCode.Unauthorized, 'Unauthorized request (wrong or missing secret/token)');
    this.message = message;
  }
}

/** Why the token provider gave no token: it threw or rejected, gave no answer in time, or gave no string. */
export type TokenProviderFailure = 'threw' | 'timeout' | 'invalid' | 'no-provider';

/**
 * The token provider gave no usable token (it threw, hung past its deadline, or returned something
 * that is not a non-empty string; in a keeper worker, no open page could give one). `reason` says
 * which; the provider's own error is the `cause` (on the side that called it).
 */
export class TokenProviderError extends JanusKeeperError {
  override name = 'TokenProviderError';
  constructor(
    readonly reason: TokenProviderFailure,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
  }
}
