// A claim and the first call in one round trip, on a real Janus through the fault proxy at 50 ms
// each way: the keeper sends the message right behind the claim, before Janus has answered the
// claim, and Janus answers both in order. Asserted on the order of frames on the wire (never on
// times); the times are printed.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { claimThenMessage } from './claim-pipeline-run.js';
import { useJanus } from './helpers.js';

const ONE_WAY_MS = 50;

describe('keeper: calls pipelined behind a claim (real Janus, 50 ms each way)', () => {
  const janus = useJanus({ sessionTimeout: 60, reclaimTimeout: 30 });

  it('after a drop, a waiting message goes right behind the claim and is answered after it', async () => {
    const run = await claimThenMessage(janus(), ONE_WAY_MS, 'drop');
    console.log(`drop: claim sent -> message answered ${run.claimToAnswerMs.toFixed(1)} ms (RTT ${2 * ONE_WAY_MS} ms); ${run.order.join(', ')}`);
    assert.ok(run.pipelined, `the message left before Janus answered the claim: ${run.order.join(', ')}`);
    assert.deepEqual(run.order.filter((frame) => frame.startsWith('<')).slice(0, 1), ['< success'], 'the claim is answered first');
  });

  it('a new keeper (a reload) claims with the tab\'s first message on its stored handle right behind', async () => {
    const run = await claimThenMessage(janus(), ONE_WAY_MS, 'reload');
    console.log(`reload: claim sent -> message answered ${run.claimToAnswerMs.toFixed(1)} ms (RTT ${2 * ONE_WAY_MS} ms); ${run.order.join(', ')}`);
    assert.ok(run.pipelined, `the message left before Janus answered the claim: ${run.order.join(', ')}`);
  });

  it('a new keeper lists the tab\'s stored handles once the claim went out: a message made on that state goes right behind it', async () => {
    const run = await claimThenMessage(janus(), ONE_WAY_MS, 'reload-told');
    console.log(`reload, handle id from the state: claim sent -> message answered ${run.claimToAnswerMs.toFixed(1)} ms; ${run.order.join(', ')}`);
    assert.ok(run.pipelined, `the message left before Janus answered the claim: ${run.order.join(', ')}`);
  });

  it('for comparison, a message made once create() resolved goes after the claim\'s answer', async () => {
    const run = await claimThenMessage(janus(), ONE_WAY_MS, 'reload-sequential');
    console.log(`reload, message after create(): claim sent -> message answered ${run.claimToAnswerMs.toFixed(1)} ms; ${run.order.join(', ')}`);
    assert.ok(!run.pipelined, run.order.join(', '));
  });
});
