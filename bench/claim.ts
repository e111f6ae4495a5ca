// `npm run bench:claim`: what a claim costs next to a create, over both transports, against one
// real Janus on loopback. Each sample times the whole JanusSession.create() call (open the link +
// create or claim), then attaching echotest (create) or re-binding the known handle (claim).
// The measurement itself is bench/scenarios/claim.ts, which `npm run bench` runs too.
import os from 'node:os';
import { startJanus } from '../e2e/fixtures/janus-launcher.js';
import { measureClaim, summaries } from './scenarios/claim.js';
import { ms } from './stats.js';

const RUNS = Number(process.env.RUNS ?? (process.argv.includes('--quick') ? 10 : 200));

const janus = await startJanus({ sessionTimeout: 60, reclaimTimeout: 30, logLevel: 2 });
const rows: string[] = [];
try {
  for (const result of await measureClaim(janus, RUNS)) {
    const { create: c, createAttach: ca, claim: r, claimRebind: rr } = summaries(result);
    rows.push(`| ${result.kind} | create | ${ms(c.median)} | ${ms(c.p95)} | ${ms(ca.median)} (+ attach) |`);
    rows.push(`| ${result.kind} | claim | ${ms(r.median)} | ${ms(r.p95)} | ${ms(rr.median)} (+ re-bind handle, no request) |`);
  }
} finally {
  await janus.stop();
}

console.log(`claim vs create: ${RUNS} runs each, Janus on loopback, ${os.cpus().length} cores, node ${process.version}`);
console.log('| transport | call | median | p95 | median with handle |');
console.log('|---|---|---|---|---|');
for (const row of rows) console.log(row);
