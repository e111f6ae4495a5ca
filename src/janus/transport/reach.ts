// Whether a failed create or claim may have reached Janus: it did once it went out on an open link
// (its answer was then lost or late). Janus counts any request as activity on the session, so a
// client judging when Janus has surely dropped a session must count from such a claim too.
const SENT = new WeakSet<object>();

export function markMayHaveReached(error: unknown): void {
  if (typeof error === 'object' && error !== null) SENT.add(error);
}

/** True when a failed create or claim went out on an open link. */
export function requestMayHaveReached(error: unknown): boolean {
  return typeof error === 'object' && error !== null && SENT.has(error);
}
