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
