/** Back online, or the page visible again: the keeper retries at once. Returns the remover. */
export function watchNetwork(online: () => void): () => void {
  const onOnline = (): void => online();
  const onVisibility = (): void => {
    if (document.visibilityState === 'visible') online();
  };
  globalThis.addEventListener?.('online', onOnline);
  globalThis.document?.addEventListener('visibilitychange', onVisibility);
  return () => {
    globalThis.removeEventListener?.('online', onOnline);
    globalThis.document?.removeEventListener('visibilitychange', onVisibility);
  };
}

/**
 * The page came back from the back/forward cache (`pageshow` with `persisted`). WebKit drops a
 * cached document's Web Locks, held and pending, so the keeper took the page for gone: the page
 * must take a lock again and say hello again. Returns the remover.
 */
export function watchRestore(restored: () => void): () => void {
  const onPageShow = (event: Event): void => {
    if ((event as PageTransitionEvent).persisted) restored();
  };
  globalThis.addEventListener?.('pageshow', onPageShow);
  return () => globalThis.removeEventListener?.('pageshow', onPageShow);
}
