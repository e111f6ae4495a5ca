// The Web Lock each page holds for its life is named for its tab, by a digest of the tab id (the id
// itself, which owns the tab's handles, stays out of names every same-origin script can list): a
// keeper that adopted handles from the stored record can tell whether their tab still has a page
// open, on whichever keeper, before it lets them go.

const PREFIX = 'janus-keeper:page:';

/** The first 16 hex digits of SHA-256(tabId); undefined where there is no WebCrypto (an insecure origin). */
export async function tabTag(tabId: string): Promise<string | undefined> {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) return undefined;
  const digest = new Uint8Array(await subtle.digest('SHA-256', new TextEncoder().encode(tabId)));
  return [...digest.slice(0, 8)].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** A fresh page lock name for the tab (without a tag: a page nobody can match to its tab). */
export function pageLockName(tag: string | undefined): string {
  return `${PREFIX}${tag === undefined ? '' : `${tag}:`}${crypto.randomUUID()}`;
}

/** Whether `lockName` is a page lock of the tab with this tag. */
export function isPageLockOf(lockName: string, tag: string): boolean {
  return lockName.startsWith(`${PREFIX}${tag}:`);
}
