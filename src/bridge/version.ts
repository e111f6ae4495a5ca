// The page and the keeper worker are two bundles that an app serves separately, so an upgrade can
// leave a stale copy of the worker behind (a copied file, a cache). Both sides name their version at
// `hello` and refuse to talk across versions: the page-worker protocol is not promised stable.
import { JanusKeeperError } from '../janus/index.js';

// Replaced by scripts/build.mjs (esbuild `define`) with package.json's version; sources run
// unbundled (tsx) see the fallback on both sides.
declare const __JANUS_KEEPER_VERSION__: string | undefined;

/** This build's janus-keeper version (package.json's `version`). */
export const VERSION: string = typeof __JANUS_KEEPER_VERSION__ === 'string' ? __JANUS_KEEPER_VERSION__ : '0.0.0-dev';

/** The page and the keeper worker come from different janus-keeper versions (a stale worker bundle). */
export class VersionMismatchError extends JanusKeeperError {
  override name = 'VersionMismatchError';

  constructor(
    readonly pageVersion: string,
    /** `undefined`: a worker from before versions were checked (janus-keeper 0.1). */
    readonly workerVersion: string | undefined,
    where = 'the keeper worker',
  ) {
    super(`janus-keeper version mismatch: the page is ${pageVersion}, ${where} is ${workerVersion ?? 'unversioned (0.1)'}; `
      + "serve the page's version of keeper-worker.js (a stale copy or cache after an upgrade?)");
  }
}
