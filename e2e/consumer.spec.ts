// The package as a new user gets it: `npm pack`, installed into a fresh app outside the repository,
// its page and Node script type-checked strictly (skipLibCheck false) under every moduleResolution,
// the page bundled with esbuild and served with the exported worker, run against a real Janus.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { packedApp, REPO, typecheck, type PackedApp, type Resolution } from '../test/consumer/packed-app.js';
import { countTsFences, readmeBlocks } from '../test/consumer/readme-blocks.js';
import { serveStatic, type StaticServer } from './fixtures/static-server.js';
import { expect, test } from './fixtures/test.js';

let app: PackedApp;
let site: StaticServer;
let pageBundle = '';

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  test.setTimeout(120_000);
  app = await packedApp();
  const publicDir = join(app.dir, 'public');
  mkdirSync(publicDir);
  copyFileSync(join(app.dir, 'index.html'), join(publicDir, 'index.html'));
  // The worker is served from the package's export, as README's static-copy recipe does.
  const resolve = createRequire(join(app.dir, 'package.json')).resolve;
  copyFileSync(resolve('janus-keeper/keeper-worker.js'), join(publicDir, 'keeper-worker.js'));
  await build({ absWorkingDir: app.dir, entryPoints: ['page.ts'], bundle: true, minify: true, format: 'esm',
    platform: 'browser', target: 'es2022', outfile: join(publicDir, 'page.js'), logLevel: 'warning' });
  pageBundle = readFileSync(join(publicDir, 'page.js'), 'utf8');
  site = await serveStatic({ '/': publicDir });
});

test.afterAll(async () => {
  await site?.close();
  app?.remove();
});

for (const resolution of ['bundler', 'node16', 'nodenext'] as Resolution[]) {
  test(`types resolve strictly under moduleResolution ${resolution}: page (DOM), service worker, Node (no DOM)`, async () => {
    await typecheck(app, `page-${resolution}`, ['page.ts', 'app-shell.ts'], resolution, 'dom');
    await typecheck(app, `sw-${resolution}`, ['sw.ts'], resolution, 'webworker');
    await typecheck(app, `node-${resolution}`, ['node.ts'], resolution, 'node');
  });
}

test("the TypeScript blocks of README and the guides compile against the packed package", async () => {
  const pages = ['README.md', ...readdirSync(join(REPO, 'docs')).filter((name) => name.endsWith('.md')).sort().map((name) => `docs/${name}`)];
  const files = { dom: [] as string[], webworker: [] as string[] };
  let total = 0;
  for (const page of pages) {
    const markdown = readFileSync(join(REPO, page), 'utf8');
    const blocks = readmeBlocks(markdown);
    expect(blocks.length, page).toBe(countTsFences(markdown)); // no block skipped
    total += blocks.length;
    const stem = page.replace(/\.md$/, '').replace(/\W+/g, '-').toLowerCase();
    blocks.forEach((block, index) => {
      const name = `md-${stem}-${index + 1}-line-${block.line}`;
      writeFileSync(join(app.dir, `${name}.ts`), `${block.code}\nexport {};\n`);
      files[block.lib].push(`${name}.ts`);
      if (block.prelude) {
        writeFileSync(join(app.dir, `${name}.prelude.d.ts`), `${block.prelude}\n`);
        files[block.lib].push(`${name}.prelude.d.ts`);
      }
    });
  }
  expect(total).toBeGreaterThan(8);
  // Pages and Node examples: the DOM lib plus Node's types; service worker blocks: the worker lib.
  await typecheck(app, 'markdown', files.dom, 'bundler', 'dom+node');
  await typecheck(app, 'markdown-sw', files.webworker, 'bundler', 'webworker');
});

test('a connect-only page bundle carries no workbox-window', () => {
  expect(pageBundle.length).toBeGreaterThan(0);
  expect(pageBundle).not.toContain('SKIP_WAITING');
  expect(pageBundle).not.toMatch(/workbox/i);
});

test('two tabs of the bundled app share one session and get an echotest answer', async ({ context, janus }) => {
  const [first, second] = [await context.newPage(), await context.newPage()];
  const logged: string[] = []; // page.ts connects with debug: true
  first.on('console', (message) => logged.push(message.text()));
  const done = (page: typeof first) => page.waitForFunction(() => document.body.dataset.echo || document.body.dataset.error);
  for (const page of [first, second]) {
    await page.goto(`${site.url}/?server=${encodeURIComponent(janus.wsUrl)}`);
    await done(page);
  }
  const seen = await Promise.all([first, second].map((page) => page.evaluate(() => ({ ...document.body.dataset }))));
  expect(seen.map((data) => data.error)).toEqual([undefined, undefined]);
  expect(seen.map((data) => data.echo)).toEqual(['ok', 'ok']);
  expect(seen[0]!.session).toBe(seen[1]!.session);
  const debug = logged.filter((line) => line.startsWith('[janus-keeper] state'));
  expect(debug.some((line) => line.startsWith('[janus-keeper] state ready'))).toBe(true);
  expect(debug.filter((line) => line.includes(seen[0]!.session!))).toEqual([]);
});

test("the browser's offer and ICE candidates go in as the browser hands them; Janus's answer goes to setRemoteDescription", async ({ page, janus }) => {
  await page.goto(`${site.url}/?webrtc=1&server=${encodeURIComponent(janus.wsUrl)}`);
  await page.waitForFunction(() => document.body.dataset.echo || document.body.dataset.error);
  expect(await page.evaluate(() => ({ ...document.body.dataset }))).toMatchObject({ echo: 'ok', webrtc: 'stable' });
});

test('a workerUrl that does not load rejects connect() with WorkerLoadError naming the URL', async ({ page, janus }) => {
  await page.goto(`${site.url}/?worker=/missing-worker.js&server=${encodeURIComponent(janus.wsUrl)}`);
  await page.waitForFunction(() => document.body.dataset.echo || document.body.dataset.error);
  const error = await page.evaluate(() => document.body.dataset.error);
  expect(error).toMatch(/^load: the keeper worker at \/missing-worker\.js did not load/);
});

test("the Node script runs against Janus with the ws package", async ({ janus }) => {
  const { execFile } = await import('node:child_process');
  const tsx = join(createRequire(import.meta.url).resolve('tsx/package.json'), '..', 'dist', 'cli.mjs');
  const out = await new Promise<string>((resolve, reject) => execFile(process.execPath, [tsx, 'node.ts', janus.wsUrl],
    { cwd: app.dir }, (error, stdout, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout))));
  expect(JSON.parse(out.trim().split('\n').at(-1)!)).toEqual({ session: 'ok', keeper: 'ok' });
});
