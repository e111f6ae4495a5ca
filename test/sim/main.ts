// npm run sim -- --seeds N [--from K] [--steps M] [--take]: runs N seeds and ends with the line
// "N seeds, S steps, V violations". npm run sim -- --seed K replays one seed step by step.
// --ignore a,b leaves those invariants unchecked (to see what else a keeper breaks).
import { runSeed, type RunResult } from './scheduler.js';

const DEFAULT_STEPS = 200;

function argument(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index < 0 ? undefined : process.argv[index + 1];
}

function count(name: string, fallback: number): number {
  const value = argument(name);
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed) || parsed < 0) throw new Error(`--${name} must be a whole number`);
  return parsed;
}

function report(result: RunResult): void {
  console.log(`seed ${result.seed} failed at step ${result.steps}: ${result.violations[0]}`);
  console.log(`  config: ${JSON.stringify(result.options)}`);
  for (const line of result.trace.slice(-60)) console.log(`  ${line}`);
  console.log(`  replay: npm run sim -- --seed ${result.seed} --steps ${Math.max(result.steps, 1)}${process.argv.includes('--take') ? ' --take' : ''}`);
}

async function main(): Promise<void> {
  const steps = count('steps', DEFAULT_STEPS);
  const take = process.argv.includes('--take');
  const ignore = argument('ignore')?.split(',') ?? [];
  const replay = argument('seed');
  if (replay !== undefined) {
    const seed = count('seed', 1);
    let printed = 0;
    const result = await runSeed(seed, { steps, take, ignore, onStep: (world) => {
      for (; printed < world.trace.length; printed++) console.log(world.trace[printed]);
    } });
    console.log(result.violations.length === 0 ? `seed ${seed}: no violation in ${result.steps} steps` : `seed ${seed}: ${result.violations.join('; ')}`);
    console.log(`1 seeds, ${result.steps} steps, ${result.violations.length} violations`);
    process.exitCode = result.violations.length === 0 ? 0 : 1;
    return;
  }
  const seeds = count('seeds', 100);
  const from = count('from', 1);
  const quiet = process.argv.includes('--quiet');
  let totalSteps = 0;
  let violations = 0;
  let earlyGiveUps = 0;
  const byInvariant = new Map<string, number[]>();
  const started = performance.now();
  for (let seed = from; seed < from + seeds; seed++) {
    const result = await runSeed(seed, { steps, take, ignore });
    totalSteps += result.steps;
    earlyGiveUps += result.earlyGiveUps;
    if (result.violations.length === 0) continue;
    violations += result.violations.length;
    const name = result.violations[0]!.split(':')[0]!;
    const seen = byInvariant.get(name) ?? [];
    if (seen.length === 0 && !quiet) report(result);
    seen.push(seed);
    byInvariant.set(name, seen);
  }
  const seconds = (performance.now() - started) / 1000;
  for (const [name, list] of byInvariant) console.log(`${name}: ${list.length} seeds (first: ${list.slice(0, 5).join(', ')})`);
  console.log(`${(seeds / seconds).toFixed(0)} seeds/s, ${(totalSteps / seconds).toFixed(0)} steps/s; `
    + `${earlyGiveUps} sessions given up by the keeper's clock while Janus still had them (allowed)`);
  console.log(`${seeds} seeds, ${totalSteps} steps, ${violations} violations`);
  process.exitCode = violations === 0 ? 0 : 1;
}

await main();
