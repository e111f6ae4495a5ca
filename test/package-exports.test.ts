// The published entries load where they are meant to: `janus-keeper/janus` and
// `janus-keeper/worker` in Node (no `self`, no DOM), from the built dist/ (npm test builds first);
// every other entry at least imports in Node (SSR, an app's unit tests) without throwing.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';

/** By name, as a user imports it; a variable, so the type check (run before the build) skips it. */
const load = (entry: string): Promise<any> => import(entry);

describe('package entries in Node', () => {
  it('dist/ is built', () => {
    assert.ok(existsSync(new URL('../dist/worker.js', import.meta.url)), 'run `npm run build` first');
  });

  it('janus-keeper/janus exports the session layer', async () => {
    const janus = await load('janus-keeper/janus');
    assert.equal(typeof janus.JanusSession.create, 'function');
    assert.equal(new janus.SessionReclaimException(458, 'x', 1).name, 'SessionReclaimException');
  });

  it('janus-keeper/worker exports the keeper without pulling in browser-only modules', async () => {
    const worker = await load('janus-keeper/worker');
    assert.equal(typeof worker.Keeper, 'function');
    assert.equal(typeof worker.memoryStore, 'function');
    assert.equal('installAppShell' in worker, false, 'the app shell lives in janus-keeper/app-shell and janus-keeper/service-worker');
  });

  it('janus-keeper (the page entry) imports in Node and carries no app shell', async () => {
    const main = await load('janus-keeper');
    assert.equal(typeof main.connect, 'function');
    assert.equal(typeof main.VersionMismatchError, 'function');
    assert.equal('registerAppShell' in main, false, 'the app shell is janus-keeper/app-shell');
  });

  it('janus-keeper/app-shell imports in Node (workbox-window loads only on registerAppShell)', async () => {
    const shell = await load('janus-keeper/app-shell');
    await assert.rejects(shell.registerAppShell(), { name: 'JanusKeeperError' });
  });

  it('janus-keeper/service-worker is a stand-in in Node that says where it runs', async () => {
    const sw = await load('janus-keeper/service-worker');
    assert.throws(() => sw.installAppShell([]), { name: 'JanusKeeperError', message: /service worker/ });
  });

  it('janus-keeper/keeper-worker.js is exported, resolves to the shipped bundle and imports in Node', async () => {
    const url = import.meta.resolve('janus-keeper/keeper-worker.js');
    assert.ok(url.endsWith('/dist/browser/keeper-worker.js'));
    await load('janus-keeper/keeper-worker.js');
  });

  it('janus-keeper/package.json is exported, and the bundles carry its version', async () => {
    const pkg = JSON.parse(readFileSync(fileURLToPath(import.meta.resolve('janus-keeper/package.json')), 'utf8'));
    assert.equal(pkg.name, 'janus-keeper');
    assert.equal((await load('janus-keeper/worker')).VERSION, pkg.version);
    assert.equal((await load('janus-keeper')).VERSION, pkg.version);
    const worker = readFileSync(fileURLToPath(import.meta.resolve('janus-keeper/keeper-worker.js')), 'utf8');
    assert.ok(worker.includes(JSON.stringify(pkg.version)), 'the worker bundle names its version');
  });

  it('janus-keeper/peer exports the PeerConnection helper (it loads without WebRTC until called)', async () => {
    const entry = await load('janus-keeper/peer');
    assert.equal(typeof entry.peer, 'function');
  });

  it('janus-keeper/janusjs exports useKeeper, and the classic script is in the package', async () => {
    const entry = await load('janus-keeper/janusjs');
    assert.equal(typeof entry.useKeeper, 'function');
    const classic = readFileSync(fileURLToPath(import.meta.resolve('janus-keeper/janus-keeper-janusjs.js')), 'utf8');
    assert.ok(!/^\s*(import|export)\b/m.test(classic), 'a classic script: no module syntax');
  });

  it('every module entry resolves for import and require alike (a "default" condition, never "import" alone)', async () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    for (const [entry, target] of Object.entries(pkg.exports as Record<string, unknown>)) {
      if (typeof target === 'string') continue;
      assert.ok('default' in (target as object), `${entry} has no "default" condition`);
    }
    const { createRequire } = await import('node:module');
    assert.equal(typeof createRequire(import.meta.url)('janus-keeper/peer').peer, 'function');
  });

  it('the browser bundles name no source map: a copy under another name must not point at a missing file', () => {
    for (const entry of ['janus-keeper/keeper-worker.js', 'janus-keeper/janus-keeper-janusjs.js']) {
      const path = fileURLToPath(import.meta.resolve(entry));
      assert.ok(!readFileSync(path, 'utf8').includes('sourceMappingURL'), `${entry} links its map`);
      assert.ok(existsSync(`${path}.map`), `${entry}'s map ships beside it`);
    }
  });
});
