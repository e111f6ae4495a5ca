// The published entries load where they are meant to: `janus-keeper/janus` and
// `janus-keeper/worker` in Node (no `self`, no DOM), from the built dist/ (npm test builds first).
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
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
    assert.equal('installAppShell' in worker, false, 'the app shell lives in janus-keeper/service-worker');
  });

  it('janus-keeper/peer exports the PeerConnection helper (it loads without WebRTC until called)', async () => {
    const entry = await load('janus-keeper/peer');
    assert.equal(typeof entry.peer, 'function');
  });
});
