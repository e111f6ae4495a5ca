// 7. What a page downloads. Ours: the production browser bundles of `npm run build` (esbuild,
// minified): the client a page loads and the keeper SharedWorker (loaded once per browser, not
// per tab). janus.js: npm janus-gateway's janus.js + the webrtc-adapter it needs, minified here
// with the same esbuild (both ship unminified). gzip: zlib level 9 on each file, summed.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { transform } from 'esbuild';
import { applies, BUNDLE_BUDGETS, measureBundle } from '../../scripts/bundle-budgets.js';
import type { Row } from '../table.js';
import type { BenchContext } from '../context.js';

const root = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));

interface Size { min: number; gzip: number }

const sizeOf = (code: string): Size => ({ min: Buffer.byteLength(code), gzip: gzipSync(code, { level: 9 }).length });
const add = (a: Size, b: Size): Size => ({ min: a.min + b.min, gzip: a.gzip + b.gzip });

async function minified(path: string): Promise<Size> {
  const { code } = await transform(readFileSync(root(path), 'utf8'), { minify: true, target: 'es2022' });
  return sizeOf(code);
}

export async function bundleSizes(ctx: BenchContext): Promise<Row[]> {
  const client = sizeOf(readFileSync(root('dist/browser/janus-keeper.js'), 'utf8'));
  const worker = sizeOf(readFileSync(root('dist/browser/keeper-worker.js'), 'utf8'));
  const connectPage = await measureBundle(BUNDLE_BUDGETS.find((bundle) => bundle.name === 'connect-only page')!);
  const janusjs = await minified('node_modules/janus-gateway/npm/src/janus.js');
  const adapter = await minified('node_modules/webrtc-adapter/out/adapter.js');
  const theirs = add(janusjs, adapter);
  ctx.log('bundle sizes done');
  const rows: Row[] = [
    { scenario: '7', metric: 'connect-only page bundle (`export { connect }`, esbuild tree-shaken, minified + gzip) vs janus.js + adapter',
      unit: 'bytes', ours: connectPage.gzip, janusjs: theirs.gzip, note: `minified ${(connectPage.min / 1024).toFixed(1)} KiB; goal 6 KiB` },
    { scenario: '7', metric: 'keeper worker bundle, minified + gzip (loaded once per browser; janus.js has none)',
      unit: 'bytes', ours: worker.gzip, janusjs: null, note: `minified ${(worker.min / 1024).toFixed(1)} KiB; goal 12 KiB` },
  ];
  // One row per production bundle, against its budget (test/bundle-budget.test.ts fails past it).
  for (const bundle of BUNDLE_BUDGETS.filter(applies)) {
    const size = await measureBundle(bundle);
    rows.push({ scenario: '7', metric: `size of ${bundle.what}, minified + gzip, what loads at start`, unit: 'bytes', ours: size.gzip,
      janusjs: null, note: `budget ${bundle.budgetBytes} B; minified ${(size.min / 1024).toFixed(1)} KiB`
        + (size.lazyGzip > 0 ? `; +${size.lazyGzip} B gzip loaded only where needed` : '') });
  }
  for (const kind of ['min', 'gzip'] as const) {
    rows.push({ scenario: '7', metric: `page bundle, ${kind === 'min' ? 'minified' : 'minified + gzip'}: our client vs janus.js + adapter`,
      unit: 'bytes', ours: client[kind], janusjs: theirs[kind],
      note: `janus.js ${(janusjs[kind] / 1024).toFixed(1)} KiB + adapter ${(adapter[kind] / 1024).toFixed(1)} KiB` });
    rows.push({ scenario: '7', metric: `everything, ${kind === 'min' ? 'minified' : 'minified + gzip'}: our client + worker vs janus.js + adapter`,
      unit: 'bytes', ours: client[kind] + worker[kind], janusjs: theirs[kind],
      note: `worker ${(worker[kind] / 1024).toFixed(1)} KiB, loaded once per browser` });
  }
  return rows;
}
