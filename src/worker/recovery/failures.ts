// What a failed step means for the keeper (fatal or worth a retry) and how it is told to the tabs.
import { JanusError, JanusErrorCode, SessionReclaimException, TokenProviderError } from '../../janus/index.js';

/**
 * Errors that a retry cannot fix: a plugin the token does not grant. A refused token (403) is not
 * one: Janus refused before looking at the session, which may live on, and a new token
 * (`setToken`, the provider after its backoff) makes the next attempt good.
 */
export function isFatal(error: unknown): error is JanusError {
  return error instanceof JanusError && !(error instanceof SessionReclaimException)
    && error.code === JanusErrorCode.UnauthorizedPlugin;
}

/** A refused or missing token: the provider failed, or Janus answered 403. */
export function isTokenFailure(error: unknown): boolean {
  return error instanceof TokenProviderError || (error instanceof JanusError && error.code === JanusErrorCode.Unauthorized);
}

export function describe(error: unknown): string {
  if (!(error instanceof Error)) return 'failed';
  // Token failures name their class: the app's provider or Janus's token_auth is the place to look.
  return redactIds(isTokenFailure(error) ? `${error.name}: ${error.message}` : error.message);
}

/** Janus's reasons name the session ("No such session N"): a credential, kept out of what tabs show. */
export function redactIds(text: string): string {
  return text.replace(/\b\d{6,}\b/g, '<id>');
}
