// The production bundles and their size budgets (gzip -9 of esbuild's minified output). One list for
// the budget test (test/bundle-budget.test.ts) and the benchmark's size rows (bench/scenarios/bundles.ts).
// To add a bundle: one entry below and one row in README's "Bundle budgets" table.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build, type Metafile, type Plugin } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

export interface BundleBudget {
  /** Its name in README's table and in a failure. */
  name: string;
  /** What it is, for the bench's row. */
  what: string;
  /** The entry's source: what an app imports (bundled the way the app's bundler would), relative to the package root. */
  contents: string;
  /** gzip -9 bytes of what loads at start (the entry chunk and the chunks it imports statically). */
  budgetBytes: number;
  /** Measured only once this file exists (an entry another branch adds). */
  requires?: string;
}

export const BUNDLE_BUDGETS: readonly BundleBudget[] = [
  {
    name: 'connect-only page',
    what: 'a page that imports only `connect` (tree-shaken as an app bundler would)',
    contents: "export { connect } from './src/client/index.ts';",
    // 8 KiB with Comlink, the page's side of every keeper call.
    budgetBytes: 8_192,
  },
  {
    name: 'keeper worker',
    what: 'the keeper SharedWorker (`janus-keeper/keeper-worker.js`)',
    contents: "import './src/worker/host/shared-worker.ts';",
    // Comlink (+1,589 B gzip) and calls pipelined behind a claim (+657 B) on top of 24,509 B; the
    // keeper's steps and the session layer split by concern into files under 400 lines (+313 B:
    // 27,032 -> 27,345; gzip finds fewer repeats across module boundaries).
    budgetBytes: 27_392,
  },
  {
    name: 'peer helper',
    what: 'the PeerConnection helper (`janus-keeper/peer`)',
    contents: "export { peer } from './src/peer/index.ts';",
    budgetBytes: 1_536,
  },
  {
    name: 'janus.js adapter',
    what: 'the janus.js-compatible adapter (`src/janusjs`)',
    contents: "export * from './src/janusjs/index.ts';",
    // 11 KiB with Comlink (+1,372 B gzip: 9,731 -> 11,103), as the page.
    budgetBytes: 11_264,
    requires: 'src/janusjs/index.ts',
  },
];

export interface BundleSize {
  /** Minified bytes loaded at start. */
  min: number;
  /** gzip -9 bytes loaded at start, each file compressed on its own and summed. */
  gzip: number;
  /** Minified bytes of the chunks loaded later by dynamic `import()` (one mode or transport only). */
  lazyMin: number;
  lazyGzip: number;
  /** What is where: minified bytes per input in the files loaded at start. */
  inputs: Record<string, number>;
}

export function applies(bundle: BundleBudget): boolean {
  return bundle.requires === undefined || existsSync(new URL(`../${bundle.requires}`, import.meta.url));
}

const ENTRY = 'janus-keeper-bundle-entry';

/** Builds `bundle` in memory: minified, production, ESM with code splitting (as an app's bundler would). */
export async function measureBundle(bundle: BundleBudget): Promise<BundleSize> {
  const entry: Plugin = {
    name: 'entry',
    setup(plugin) {
      plugin.onResolve({ filter: new RegExp(`^${ENTRY}$`) }, () => ({ path: ENTRY, namespace: 'entry' }));
      plugin.onLoad({ filter: /.*/, namespace: 'entry' }, () => ({ contents: bundle.contents, loader: 'ts', resolveDir: root }));
    },
  };
  const result = await build({
    absWorkingDir: root,
    entryPoints: [ENTRY],
    plugins: [entry],
    bundle: true, minify: true, splitting: true, format: 'esm', target: 'es2022', platform: 'browser',
    outdir: 'out', write: false, metafile: true, logLevel: 'silent',
    define: { 'process.env.NODE_ENV': '"production"', __JANUS_KEEPER_VERSION__: JSON.stringify(version) },
  });
  const texts = new Map(result.outputFiles.map((file) => [file.path.slice(root.length).replace(/^\//, ''), file.text]));
  const outputs = result.metafile.outputs;
  const eager = eagerOutputs(outputs);
  const size: BundleSize = { min: 0, gzip: 0, lazyMin: 0, lazyGzip: 0, inputs: {} };
  for (const [path, output] of Object.entries(outputs)) {
    if (path.endsWith('.map')) continue;
    const text = texts.get(path) ?? '';
    const min = Buffer.byteLength(text);
    const gzip = gzipSync(text, { level: 9 }).length;
    if (eager.has(path)) {
      size.min += min;
      size.gzip += gzip;
      for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
        if (bytesInOutput > 0) size.inputs[input] = (size.inputs[input] ?? 0) + bytesInOutput;
      }
    } else {
      size.lazyMin += min;
      size.lazyGzip += gzip;
    }
  }
  return size;
}

/** The entry's output and every output reachable from it by static imports. */
function eagerOutputs(outputs: Metafile['outputs']): Set<string> {
  const start = Object.entries(outputs).find(([, output]) => output.entryPoint !== undefined)?.[0];
  const eager = new Set<string>();
  const visit = (path: string | undefined): void => {
    if (path === undefined || eager.has(path)) return;
    eager.add(path);
    for (const imported of outputs[path]?.imports ?? []) if (imported.kind === 'import-statement') visit(imported.path);
  };
  visit(start);
  return eager;
}
