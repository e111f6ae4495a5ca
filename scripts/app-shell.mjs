// Fills the service worker's precache manifest (workbox-build injectManifest) for a built app
// folder: `<dir>/build/sw.js` (esbuild output, still holding self.__WB_MANIFEST) -> `<dir>/sw.js`.
import { injectManifest } from 'workbox-build';
import { join } from 'node:path';

export async function injectAppShellManifest(dir) {
  const { count, size, warnings } = await injectManifest({
    swSrc: join(dir, 'build', 'sw.js'),
    swDest: join(dir, 'sw.js'),
    globDirectory: dir,
    // The shell: the page, its styles, and every bundle it loads (the SharedWorker's included).
    globPatterns: ['index.html', '*.css', 'build/*.js'],
    globIgnores: ['build/sw.js'],
    maximumFileSizeToCacheInBytes: 5 * 1024 * 1024,
  });
  for (const warning of warnings) console.warn(`app shell: ${warning}`);
  return { count, size };
}
