// What a failed step means for the keeper (fatal or worth a retry) and how it is told to the tabs.
import { JanusError, JanusErrorCode, SessionReclaimException } from '../../janus/index.js';

/** Errors that a retry cannot fix: bad token or secret, plugin not allowed. */
const FATAL_CODES = new Set<number>([JanusErrorCode.Unauthorized, JanusErrorCode.UnauthorizedPlugin]);

export function isFatal(error: unknown): error is JanusError {
  return error instanceof JanusError && !(error instanceof SessionReclaimException) && FATAL_CODES.has(error.code);
}

export function describe(error: unknown): string {
  return redactIds(error instanceof Error ? error.message : 'failed');
}

/** Janus's reasons name the session ("No such session N"): a credential, kept out of what tabs show. */
export function redactIds(text: string): string {
  return text.replace(/\b\d{6,}\b/g, '<id>');
}
