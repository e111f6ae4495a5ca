// Bundles the library entries (dist/*.js, ESM) and emits their declarations (dist/types).
// `--watch` is not offered on purpose: `npm start` rebuilds on each start.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { injectAppShellManifest } from './app-shell.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const production = process.env.NODE_ENV !== 'development';
const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
rmSync(new URL('../public/build', import.meta.url), { recursive: true, force: true });

const common = {
  absWorkingDir: root,
  bundle: true,
  format: 'esm',
  target: 'es2022',
  sourcemap: true,
  logLevel: 'warning',
  define: {
    'process.env.NODE_ENV': JSON.stringify(production ? 'production' : 'development'),
    // Page and keeper worker compare it at `hello` (src/bridge/version.ts).
    __JANUS_KEEPER_VERSION__: JSON.stringify(version),
  },
};

// Library entries: dependencies stay external, the app's bundler resolves them.
await build({
  ...common,
  entryPoints: {
    index: 'src/client/index.ts',
    worker: 'src/worker/index.ts',
    janus: 'src/janus/index.ts',
    'app-shell': 'src/app-shell/page.ts',
    'service-worker': 'src/app-shell/service-worker.ts',
    'service-worker.node': 'src/app-shell/service-worker.node.ts',
    peer: 'src/peer/index.ts',
    janusjs: 'src/janusjs/index.ts',
  },
  outdir: 'dist',
  platform: 'neutral',
  packages: 'external',
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
});

// Browser bundles with everything inlined: the keeper worker is an export (`janus-keeper/keeper-worker.js`,
// what an app serves as `workerUrl`); the other two are for the e2e pages and the benchmarks. An app
// copies these files under other names (Vite hashes them) without their maps: the map ships beside
// each, unlinked, so that a copy never points the browser at a file that is not there.
await build({
  ...common,
  sourcemap: 'external',
  entryPoints: {
    'janus.browser': 'src/janus/index.ts',
    'janus-keeper': 'src/client/index.ts',
    'janus-keeper-peer': 'src/peer/index.ts',
    'keeper-worker': 'src/worker/host/shared-worker.ts',
  },
  outdir: 'dist/browser',
  platform: 'browser',
  minify: production,
});

// The classic scripts: the one an existing janus.js page loads right after janus.js (an export too),
// and the one the bench's reload row loads in its page's <head> to start the keeper worker early
// (measured there: no gain as an async script, so not offered; docs/benchmarks.md).
await build({
  ...common,
  entryPoints: { 'janus-keeper-janusjs': 'src/janusjs/classic.ts', 'keeper-prestart': 'src/client/prestart-script.ts' },
  outdir: 'dist/browser',
  sourcemap: 'external',
  format: 'iife',
  platform: 'browser',
  minify: production,
});

// The demo app: its page script and the keeper worker, next to public/index.html.
await build({
  ...common,
  entryPoints: { demo: 'public/demo.ts', 'keeper-worker': 'src/worker/host/shared-worker.ts', sw: 'public/sw.ts' },
  outdir: 'public/build',
  platform: 'browser',
  minify: production,
});

const shell = await injectAppShellManifest(fileURLToPath(new URL('../public', import.meta.url)));
console.log(`app shell: ${shell.count} files precached, ${(shell.size / 1024).toFixed(1)} KiB`);

execFileSync(process.execPath, [fileURLToPath(new URL('../node_modules/typescript/bin/tsc', import.meta.url)),
  '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
console.log('built dist/');
