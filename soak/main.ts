// `npm run soak -- --minutes M --seed S [--tabs N] [--engine chromium|firefox|webkit] [--transport ws|http]`
// `[--janus debian|<prefix>]` (another Janus build, e.g. 1.4.1 from scripts/build-janus.sh) `[--timers lab|stock]`
// (stock: session_timeout 60, reclaim_session_timeout 0: a clean ws drop may converge on a new session).
// `--skip kind,kind` leaves kinds out of the schedule; `--timeline` prints the whole timeline.
// `npm run soak -- --smoke`: the short fixed-seed runs of `npm test`.
// Ends with `F faults, C checks, V violations`; exits 1 on any violation (2: could not run).
import { parseArgs } from 'node:util';
import { EngineNotSupported, type Engine } from './browser.js';
import { FAULT_KINDS, type FaultKind } from './schedule.js';
import { runSoak, type SoakOptions, type SoakResult } from './run.js';

/** The smoke's fixed seed set: one minute each, one per transport. */
const SMOKE: Array<Pick<SoakOptions, 'seed' | 'transport'>> = [{ seed: 1, transport: 'ws' }, { seed: 2, transport: 'http' }];

function options(): SoakOptions[] {
  const { values } = parseArgs({
    options: {
      minutes: { type: 'string', default: '3' }, seed: { type: 'string' }, tabs: { type: 'string', default: '3' },
      engine: { type: 'string', default: 'chromium' }, transport: { type: 'string', default: 'ws' }, smoke: { type: 'boolean', default: false },
      timeline: { type: 'boolean', default: false }, skip: { type: 'string', default: '' },
      janus: { type: 'string', default: 'debian' }, timers: { type: 'string', default: 'lab' },
    },
  });
  const number = (name: string, text: string | undefined, low: number, high: number) => {
    const value = Number(text);
    if (!Number.isFinite(value) || value < low || value > high) throw new TypeError(`--${name} must be a number from ${low} to ${high}`);
    return value;
  };
  if (!['chromium', 'firefox', 'webkit'].includes(values.engine!)) throw new TypeError('--engine must be chromium, firefox or webkit');
  if (!['ws', 'http'].includes(values.transport!)) throw new TypeError('--transport must be ws or http');
  if (!['lab', 'stock'].includes(values.timers!)) throw new TypeError('--timers must be lab or stock');
  const base = {
    minutes: number('minutes', values.minutes, 0.1, 24 * 60),
    tabs: Math.round(number('tabs', values.tabs, 1, 8)),
    engine: values.engine as Engine,
    transport: values.transport as 'ws' | 'http',
    timeline: values.timeline,
    skip: skipped(values.skip!),
    ...(values.janus === 'debian' ? {} : { janusPrefix: values.janus! }),
    timers: values.timers as 'lab' | 'stock',
  };
  if (values.smoke) return SMOKE.map((run) => ({ ...base, minutes: 1, ...run }));
  const seed = values.seed === undefined ? Math.floor(Math.random() * 1_000_000) : Math.round(number('seed', values.seed, 0, 2 ** 32 - 1));
  return [{ ...base, seed }];
}

/** `--skip leader-tab,upgrade`: kinds left out (e.g. while a defect they always hit is open). */
function skipped(list: string): FaultKind[] {
  const kinds = list.split(',').map((kind) => kind.trim()).filter(Boolean);
  for (const kind of kinds) if (!(FAULT_KINDS as readonly string[]).includes(kind)) throw new TypeError(`--skip: no fault kind ${kind} (${FAULT_KINDS.join(', ')})`);
  return kinds as FaultKind[];
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
};

function report(run: SoakOptions, result: SoakResult): void {
  const list = (map: Map<string, number>) => [...map].sort().map(([kind, count]) => `${kind} ${count}`).join(', ') || 'none';
  console.log(`\nseed ${run.seed} (${run.engine}, ${run.transport}, Janus ${run.janusPrefix ? run.janusPrefix.replace(/.*\/janus-/, '') : 'debian'}, ${run.timers ?? 'lab'} timers): ${result.episodes} episodes`);
  console.log(`faults: ${list(result.faults)}`);
  if (result.skipped.size) console.log(`skipped: ${list(result.skipped)}`);
  if (result.unknownAttaches) console.log(`attaches with an unknown outcome (timeout or link lost; their handles may stay on Janus, not counted as leaks): ${result.unknownAttaches}`);
  console.log(`echo call: media checked through ${result.mediaChecks} episodes (the same page, session and handle before and after)`);
  console.log('time to converge after an episode with (ms, n / median / max):');
  for (const [kind, times] of [...result.convergence].sort()) {
    console.log(`  ${kind.padEnd(22)} ${String(times.length).padStart(3)} / ${String(median(times)).padStart(6)} / ${String(Math.max(...times)).padStart(6)}`);
  }
  const byInvariant = new Map<string, number[]>();
  for (const violation of result.violations) byInvariant.set(violation.invariant, [...(byInvariant.get(violation.invariant) ?? []), violation.step]);
  for (const [invariant, steps] of byInvariant) console.log(`violations of ${invariant}: ${steps.length} (steps ${steps.join(', ')})`);
}

async function main(): Promise<number> {
  let runs: SoakOptions[];
  try {
    runs = options();
  } catch (error) {
    console.error((error as Error).message);
    return 2;
  }
  let faults = 0;
  let checks = 0;
  let violations = 0;
  for (const run of runs) {
    let result: SoakResult;
    try {
      result = await runSoak(run);
    } catch (error) {
      if (error instanceof EngineNotSupported) {
        console.error(error.message);
        return 2;
      }
      throw error;
    }
    report(run, result);
    faults += [...result.faults.values()].reduce((sum, count) => sum + count, 0);
    checks += result.checks;
    violations += result.violations.length;
  }
  console.log(`${faults} faults, ${checks} checks, ${violations} violations`);
  return violations > 0 ? 1 : 0;
}

main().then((code) => process.exit(code), (error) => {
  console.error(error);
  process.exit(2);
});
