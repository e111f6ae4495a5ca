// The soak's fault schedule: a pure function of the seed (same seed, same schedule), so a failing
// run replays with `--seed S`. What a fault hits (which tab) is a number in [0, 1) drawn here and
// mapped onto the tabs open when it fires.

export const FAULT_KINDS = [
  'reset', 'refuse', 'blackhole', 'janus-restart', 'worker-kill', 'tab-reload', 'tab-close', 'tab-open',
  'leader-tab', 'freeze', 'offline', 'upgrade',
] as const;
export type FaultKind = typeof FAULT_KINDS[number];

export interface Fault {
  kind: FaultKind;
  /** When it starts, from the start of its episode. */
  offsetMs: number;
  /** How long it lasts (0: an instant fault). */
  durationMs: number;
  /** Chooses its target among what exists when it fires. */
  pick: number;
  /** `janus-restart`: SIGTERM or SIGKILL; `worker-kill`: the SharedWorker or a leader tab's Worker. */
  variant?: string;
}

/** Overlapping faults, then a quiet phase in which the invariants of convergence are checked. */
export interface Episode {
  step: number;
  faults: Fault[];
}

export interface ScheduleOptions {
  /** Upgrades in the whole schedule at most (each needs a newer build). */
  maxUpgrades: number;
  /** Kinds the engine cannot do are left out (the rest of the schedule is unchanged). */
  without?: readonly FaultKind[];
}

const WEIGHTS: Record<FaultKind, number> = {
  reset: 2, refuse: 2, blackhole: 2.5, 'janus-restart': 1, 'worker-kill': 2, 'tab-reload': 2, 'tab-close': 1.2,
  'tab-open': 1.2, 'leader-tab': 0.6, freeze: 1, offline: 1, upgrade: 0.4,
};

/** Mulberry32: small, fast, good enough to mix faults, and the same on every platform. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export function planSchedule(seed: number, episodes: number, options: ScheduleOptions): Episode[] {
  const random = seededRandom(seed);
  const between = (low: number, high: number) => Math.round(low + random() * (high - low));
  let upgrades = 0;
  const plan: Episode[] = [];
  for (let step = 1; step <= episodes; step++) {
    const count = random() < 0.4 ? 1 : random() < 0.6 ? 2 : 3;
    // Half the episodes of several faults start with the network down, the others then land in it.
    const networkFirst = random() < 0.5;
    const faults: Fault[] = [];
    for (let i = 0; i < count; i++) {
      // Always draw the same numbers, whichever kinds are left out: the schedule stays comparable.
      const networkDraw = random();
      const kindDraw = random();
      const offsetMs = i === 0 ? 0 : between(0, 4_000);
      const durationDraw = random();
      const pick = random();
      const variantDraw = random();
      let kind: FaultKind = count > 1 && i === 0 && networkFirst ? (networkDraw < 0.6 ? 'blackhole' : 'refuse') : weighted(kindDraw, options.without ?? []);
      if (kind === 'upgrade' && upgrades >= options.maxUpgrades) kind = 'tab-reload';
      if (kind === 'upgrade') upgrades++;
      faults.push({ kind, offsetMs, durationMs: duration(kind, durationDraw), pick, ...variant(kind, variantDraw) });
    }
    plan.push({ step, faults });
  }
  return plan;
}

function weighted(draw: number, without: readonly FaultKind[]): FaultKind {
  const kinds = FAULT_KINDS.filter((kind) => !without.includes(kind));
  const total = kinds.reduce((sum, kind) => sum + WEIGHTS[kind], 0);
  let left = draw * total;
  for (const kind of kinds) {
    left -= WEIGHTS[kind];
    if (left < 0) return kind;
  }
  return kinds[kinds.length - 1]!;
}

/** Durations: a refused network up to past the backoff cap; a half-open link from a few seconds (the
 * keepalive may not notice) to past Janus's session_timeout; freezes always past the tab grace. */
function duration(kind: FaultKind, draw: number): number {
  const span = (low: number, high: number) => Math.round(low + draw * (high - low));
  switch (kind) {
    case 'refuse': return span(1_000, 9_000);
    case 'blackhole': return span(2_000, 40_000);
    case 'freeze': return span(4_000, 14_000);
    case 'offline': return span(500, 5_000);
    default: return 0;
  }
}

function variant(kind: FaultKind, draw: number): { variant?: string } {
  if (kind === 'janus-restart') return { variant: draw < 0.5 ? 'SIGTERM' : 'SIGKILL' };
  if (kind === 'worker-kill') return { variant: draw < 0.75 ? 'shared' : 'leader' };
  return {};
}

/** The episode's faults as one line ("blackhole 12s @0s + worker-kill(shared) @1.8s"). */
export function describeEpisode(episode: Episode): string {
  return episode.faults.map((fault) => `${fault.kind}${fault.variant ? `(${fault.variant})` : ''}`
    + `${fault.durationMs ? ` ${(fault.durationMs / 1000).toFixed(1)}s` : ''} @${(fault.offsetMs / 1000).toFixed(1)}s`).join(' + ');
}
