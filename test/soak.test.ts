// The soak's pure parts: its schedule replays from the seed, and its invariants judge observations
// as documented (the soak itself runs real browsers against a real Janus: `npm run soak`).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { boundsOf, deafTabs, handleDiff, notConverged, sessionsInUse, type TabView } from '../soak/invariants.js';
import { FAULT_KINDS, planSchedule } from '../soak/schedule.js';
import type { TabReport } from '../soak/tabs.js';

const report = (over: Partial<TabReport> = {}): TabReport => ({
  state: 'ready', sessionId: 1, handles: [10], log: [], errors: [], now: 100_000,
  echo: { ok: 1, fail: 0, lastOkAt: 99_000, lastError: '' }, ...over,
});
const alias = (id?: number) => `S${id}`;

test('the same seed gives the same schedule; another seed another one', () => {
  const options = { maxUpgrades: 3 };
  assert.deepEqual(planSchedule(42, 200, options), planSchedule(42, 200, options));
  assert.notDeepEqual(planSchedule(42, 200, options), planSchedule(43, 200, options));
  assert.deepEqual(planSchedule(42, 50, options), planSchedule(42, 200, options).slice(0, 50), 'a longer run extends a shorter one');
});

test('the schedule mixes every kind, overlapping, and keeps to its bounds', () => {
  const plan = planSchedule(7, 2_000, { maxUpgrades: 3 });
  const faults = plan.flatMap((episode) => episode.faults);
  assert.deepEqual(new Set(faults.map((fault) => fault.kind)), new Set(FAULT_KINDS));
  assert.equal(faults.filter((fault) => fault.kind === 'upgrade').length, 3);
  assert.ok(plan.some((episode) => episode.faults.length === 3));
  for (const fault of faults) assert.ok(fault.pick >= 0 && fault.pick < 1 && fault.offsetMs <= 4_000);
  for (const fault of faults.filter((f) => f.kind === 'freeze')) assert.ok(fault.durationMs > 3_000, 'a freeze outlasts the tab grace');
});

test('kinds an engine cannot do are left out, the other draws unchanged', () => {
  const all = planSchedule(9, 300, { maxUpgrades: 0 });
  const noFreeze = planSchedule(9, 300, { maxUpgrades: 0, without: ['freeze'] });
  assert.ok(!noFreeze.some((episode) => episode.faults.some((fault) => fault.kind === 'freeze')));
  assert.deepEqual(noFreeze.map((episode) => episode.faults.map((fault) => fault.offsetMs)), all.map((episode) => episode.faults.map((fault) => fault.offsetMs)));
});

test('bounds come from the config: HTTP sessions expire on session_timeout, ws ones on the reclaim window', () => {
  const config = { sessionTimeoutMs: 30_000, reclaimTimeoutMs: 10_000, keepAliveMs: 10_000, keepAliveTimeoutMs: 5_000,
    requestTimeoutMs: 5_000, callTimeoutMs: 8_000, backoffCapMs: 4_000, tabGraceMs: 3_000 };
  const ws = boundsOf({ ...config, transport: 'ws' });
  const http = boundsOf({ ...config, transport: 'http' });
  assert.equal(http.expiryMs - ws.expiryMs, 20_000);
  assert.ok(ws.convergeMs > config.sessionTimeoutMs + config.backoffCapMs);
});

test('one session in use: sessions without handles do not count', () => {
  assert.deepEqual(sessionsInUse(new Map([[1, [10]], [2, []]])), [1]);
  assert.deepEqual(sessionsInUse(new Map([[1, [10]], [2, [20]]])), [1, 2]);
});

test('a tab is silently deaf when ready and failing past the bound, not before and not when told', () => {
  const bounds = { convergeMs: 0, deafMs: 20_000, expiryMs: 0 };
  const failing = (since: number | undefined, state = 'ready'): TabView => ({
    label: 'T1', report: report({ state, echo: { ok: 0, fail: 9, lastOkAt: 0, lastError: 'JanusError 459', ...(since === undefined ? {} : { failingSince: since }) } }),
  });
  assert.equal(deafTabs([failing(70_000)], bounds).length, 1);
  assert.equal(deafTabs([failing(90_000)], bounds).length, 0);
  assert.equal(deafTabs([failing(70_000, 'reconnecting')], bounds).length, 0);
  assert.equal(deafTabs([failing(undefined)], bounds).length, 0);
});

test('converged: every tab ready on one session with an answer since the pause', () => {
  const tabs = [{ label: 'T1', report: report() }, { label: 'T2', report: report() }];
  assert.deepEqual(notConverged(tabs, [], 90_000, alias), []);
  assert.match(notConverged(tabs, [], 99_500, alias).join(), /T1: ready on S1 but no EchoTest answer/);
  assert.match(notConverged([tabs[0]!, { label: 'T2', report: report({ sessionId: 2 }) }], [], 90_000, alias).join(), /2 sessions/);
  assert.match(notConverged([{ label: 'T1', report: report({ state: 'connecting', cause: 'waiting' }) }], [], 0, alias).join(), /T1: connecting \(waiting\)/);
  assert.match(notConverged(tabs, ['T3'], 0, alias).join(), /T3: does not answer/);
});

test('handles on Janus are the tabs\' own: leaks and missing ones are told apart; unknown tabs give no verdict', () => {
  const tabs = [{ label: 'T1', report: report({ handles: [10] }) }, { label: 'T2', report: report({ handles: [11] }) }];
  assert.deepEqual(handleDiff(new Map([[1, [10, 11]]]), tabs), { leaked: [], missing: [] });
  assert.deepEqual(handleDiff(new Map([[1, [10, 11, 12]]]), tabs), { leaked: [12], missing: [] });
  assert.deepEqual(handleDiff(new Map([[1, [10]], [2, []]]), tabs), { leaked: [], missing: [11] });
  assert.equal(handleDiff(new Map([[1, [10]]]), [{ label: 'T1', report: report({ handles: null }) }]), undefined);
});
