// The worker names a page moves through when a SharedWorker of its name never answers (Firefox's
// closed worker): pages that saw the same silent worker meet at the same next name.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nextWorkerName, workerNameLock } from '../src/bridge/worker-name.js';

const BASE = 'janus-keeper/v2/extended';

describe('nextWorkerName', () => {
  it('with no live worker, the name after the silent one', () => {
    assert.equal(nextWorkerName(BASE, BASE, []), `${BASE}~`);
    assert.equal(nextWorkerName(BASE, `${BASE}~`, [workerNameLock(`${BASE}~`)]), `${BASE}~~`);
  });

  it('a live worker of the same base (another page moved there first) wins, the newest first', () => {
    const held = [workerNameLock(`${BASE}~`), workerNameLock(`${BASE}~~`), 'janus-keeper:page:abc:def'];
    assert.equal(nextWorkerName(BASE, BASE, held), `${BASE}~~`);
    assert.equal(nextWorkerName(BASE, `${BASE}~~`, held), `${BASE}~`);
  });

  it('ignores workers of other bases and locks that only look alike', () => {
    const held = [workerNameLock('other/v2'), workerNameLock(`${BASE}x`), workerNameLock(`${BASE}~x`), `x${workerNameLock(`${BASE}~`)}`];
    assert.equal(nextWorkerName(BASE, BASE, held), `${BASE}~`);
  });
});
