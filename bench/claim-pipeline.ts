// `npx tsx bench/claim-pipeline.ts`: a claim and the first call on a real Janus through the fault
// proxy, at 0 and 20 ms each way (a 40 ms round trip): ms from the claim on the wire to the
// message's answer, and whether the message rode behind the claim (test/claim-pipeline-run.ts).
// Cases: after a drop (a message waiting while the keeper reconnects); a new keeper on the stored
// record (a reload whose worker died with the page), its create() and the tab's first message made
// together, or the message made once create() resolved. RUNS (default 15) runs each; medians.
import os from 'node:os';
import { startJanus } from '../e2e/fixtures/janus-launcher.js';
import { claimThenMessage, type ClaimCase } from '../test/claim-pipeline-run.js';
import { quantile } from './stats.js';

const RUNS = Number(process.env.RUNS ?? 15);
const CASES: ClaimCase[] = ['drop', 'reload', 'reload-sequential'];

const janus = await startJanus({ sessionTimeout: 60, reclaimTimeout: 30, logLevel: 2 });
const rows: string[] = [];
try {
  for (const oneWayMs of [0, 20]) {
    for (const how of CASES) {
      const times: number[] = [];
      let pipelined = 0;
      let failed = '';
      for (let i = 0; i < RUNS; i++) {
        try {
          const run = await claimThenMessage(janus, oneWayMs, how);
          times.push(run.claimToAnswerMs);
          if (run.pipelined) pipelined++;
        } catch (error) {
          failed = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        }
      }
      const median = times.length > 0 ? `${quantile(times, 0.5).toFixed(1)} ms` : 'n/a';
      rows.push(`| ${2 * oneWayMs} ms | ${how} | ${median} | ${pipelined}/${times.length} |${failed ? ` ${RUNS - times.length} failed (${failed})` : ''}`);
    }
  }
} finally {
  await janus.stop();
}
console.log(`claim -> first answer: ${RUNS} runs each, real Janus behind the fault proxy, ${os.cpus().length} cores, node ${process.version}`);
console.log('| round trip | case | claim sent -> message answered (median) | message sent before the claim\'s answer |');
console.log('|---|---|---|---|');
for (const row of rows) console.log(row);
