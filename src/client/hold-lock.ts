/** Holds a Web Lock for the page's life: the keeper gets it exactly when the page is gone. */
export function holdLock(lockName: string): Promise<() => void> {
  if (!navigator.locks) return Promise.resolve(() => {});
  return new Promise((granted) => {
    void navigator.locks.request(lockName, () => new Promise<void>((release) => granted(release)));
  });
}
