// Deliberate bugs in the keeper's state machine and the session layer, each with the tests that
// must catch it: `npm run mutants` plants each one in turn, runs its tests, puts the file back and
// prints a table. A mutant that no test catches is a hole in the suite. Not part of `npm test`
// (it takes minutes); run it after changing the keeper core.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

interface Mutant {
  id: string;
  file: string;
  /** Exact text to replace (must occur once). */
  from: string;
  to: string;
  /** Test files expected to fail. */
  tests: string[];
}

const SIM = ['test/sim.test.ts', 'test/sim-scenarios.test.ts', 'test/sim-scenarios-handles.test.ts', 'test/sim-scenarios-worker-restart.test.ts',
  'test/sim-can-fail.test.ts'];

const MUTANTS: Mutant[] = [
  { id: 'no keepalive after a claim', file: 'src/janus/session/session.ts',
    from: '    init.transport.listen(init.id);\n    this.#scheduleKeepAlive();', to: '    init.transport.listen(init.id);\n    if (!init.reclaimed) this.#scheduleKeepAlive();',
    tests: ['test/keeper-recovery.test.ts', ...SIM] },
  { id: 'keepalive counted on send', file: 'src/janus/session/session.ts',
    from: "    await this.#request({ janus: 'keepalive' }, false, this.keepAliveTimeoutMs);\n    this.emit('keepalive', undefined);",
    to: "    const answer = this.#request({ janus: 'keepalive' }, false, this.keepAliveTimeoutMs);\n    this.emit('keepalive', undefined);\n    await answer;",
    tests: ['test/keeper-recovery.test.ts', ...SIM] },
  { id: 'a link lost before create returns goes unnoticed', file: 'src/janus/session/session-open.ts',
    from: '    if (lostWith || transport.isClosed) {', to: '    if (false) {', tests: ['test/transport-frames.test.ts', ...SIM] },
  { id: 'an unanswered keepalive does not end the link', file: 'src/janus/session/session.ts',
    from: "          this.#dropLink(error instanceof TransportError ? error", to: "          void (error instanceof TransportError ? error",
    tests: ['test/transport-frames.test.ts', ...SIM] },
  { id: 'Janus timeout event ignored', file: 'src/janus/session/session.ts',
    from: "    if (message.janus === 'timeout' && aboutThisSession) {", to: "    if (message.janus === 'timeout-ignored' && aboutThisSession) {",
    tests: ['test/session.test.ts', ...SIM] },
  { id: 'savedAt is the write time', file: 'src/worker/record/record.ts',
    from: '      savedAt: session.lastActivityAt,', to: '      savedAt: this.clock.now(),', tests: ['test/keeper-recovery.test.ts', ...SIM] },
  { id: 'a store that fails to load blocks the establish', file: 'src/worker/record/record.ts',
    from: '    } catch (error) {\n      this.#warn.warn(`could not read', to: '    } catch (error) {\n      throw error;\n      this.#warn.warn(`could not read',
    tests: ['test/keeper-core.test.ts', ...SIM] },
  { id: 'an ended session claimed again from an uncleared record', file: 'src/worker/record/record.ts',
    from: '    const why = stored && (this.#ended.has(stored.sessionId)', to: '    const why = stored && (false', tests: SIM },
  { id: 'refused claim after a drop retried like a network error', file: 'src/worker/session/steps.ts',
    from: '        if (error instanceof SessionReclaimException) this.#lose(', to: '        if (error instanceof SessionReclaimException && false) this.#lose(',
    tests: ['test/keeper-recovery.test.ts', ...SIM] },
  { id: '403 retried (no fatal codes)', file: 'src/worker/recovery/failures.ts',
    from: '  return error instanceof JanusError && !(error instanceof SessionReclaimException) && FATAL_CODES.has(error.code);',
    to: '  return false && error instanceof JanusError;', tests: ['test/keeper-recovery.test.ts', ...SIM] },
  { id: 'destroy does not end the generation', file: 'src/worker/session/steps.ts',
    from: "    machine.bump('destroyed');", to: "    machine.ended;", tests: ['test/keeper-core.test.ts', ...SIM] },
  { id: 'the last tab leaving does not end the generation', file: 'src/worker/session/steps.ts',
    from: "    machine.bump('no tab left');", to: "    machine.ended;", tests: ['test/keeper-core.test.ts', ...SIM] },
  { id: 'a stale create is kept instead of let go', file: 'src/worker/session/steps.ts',
    from: '    if (!machine.isCurrent(epoch)) {\n      this.#discard(session);', to: '    if (false) {\n      this.#discard(session);',
    tests: ['test/keeper-core.test.ts', ...SIM] },
  { id: 'a surely expired session never given up', file: 'src/worker/servers/servers.ts',
    from: '  if (!timers || timers.sessionTimeoutS <= 0) return undefined;', to: '  return undefined;',
    tests: ['test/sim-scenarios-worker-restart.test.ts', 'test/several-servers.test.ts', ...SIM] },
  { id: 'the reclaim window taken as proof that the session is gone (a ghost session)', file: 'src/worker/servers/servers.ts',
    from: '  return reachedAt + timers.sessionTimeoutS * 1000 + JANUS_EXPIRY_CHECK_MS;',
    to: '  return reachedAt + timers.reclaimTimeoutS * 1000 + JANUS_EXPIRY_CHECK_MS;',
    tests: ['test/sim-scenarios-worker-restart.test.ts', 'test/keeper-half-open.test.ts', ...SIM] },
  { id: 'detaches Janus never confirmed forgotten with the worker', file: 'src/worker/session/steps.ts',
    from: '        handles.adopt(stored.handles, stored.doomed ?? []);', to: '        handles.adopt(stored.handles, []);',
    tests: ['test/sim-scenarios-worker-restart.test.ts', ...SIM] },
  { id: 'a fresh session inherits the adopted handles of one it could not claim', file: 'src/worker/session/steps.ts',
    from: '      if (handles.size > 0) {\n        const orphans = handles.orphans();', to: '      if (false) {\n        const orphans = handles.orphans();',
    tests: ['test/sim-scenarios-worker-restart.test.ts', ...SIM] },
  { id: 'no missed-events after a claim', file: 'src/worker/session/steps.ts',
    from: '    if (session.reclaimed) this.#announceMissedEvents(session.id);', to: '',
    tests: ['test/several-servers.test.ts', 'test/keeper-core.test.ts', ...SIM] },
  { id: 'no restore after a recreate', file: 'src/worker/session/steps.ts',
    from: '    if (restore) this.#restore(restore, session.id);', to: '', tests: ['test/keeper-node.test.ts', ...SIM] },
  { id: 'online() ignored', file: 'src/worker/session/steps.ts',
    from: '    if (this.#job) return;\n    const cause', to: '    return;\n    const cause', tests: ['test/keeper-recovery.test.ts', ...SIM] },
  { id: 'attempt limit removed', file: 'src/worker/recovery/recovery.ts',
    from: '    for (let wait = this.#limit.waitMs(); wait > 0; wait = this.#limit.waitMs()) {', to: '    for (let wait = 0; wait > 0; wait = 0) {',
    tests: ['test/keeper-recovery.test.ts', 'test/core-units.test.ts', ...SIM] },
  { id: 'waits not cancellable', file: 'src/worker/recovery/recovery.ts',
    from: '    for (const cancel of [...this.#cancels]) cancel();', to: '', tests: ['test/core-units.test.ts', ...SIM] },
  { id: 'backoff reset by every link', file: 'src/worker/recovery/recovery.ts',
    from: '    if (upSince !== undefined && this.#options.clock.now() - upSince >= this.#options.backoff.resetAfterMs) this.#attempt = 0;',
    to: '    this.#attempt = 0;', tests: ['test/schedule.test.ts'] },
  { id: 'backoff never reset', file: 'src/worker/recovery/recovery.ts',
    from: '    if (upSince !== undefined && this.#options.clock.now() - upSince >= this.#options.backoff.resetAfterMs) this.#attempt = 0;',
    to: '', tests: ['test/schedule.test.ts'] },
  { id: 'illegal transition allowed (idle -> ready)', file: 'src/worker/session/session-machine.ts',
    from: "  idle: ['connecting', 'idle'],", to: "  idle: ['connecting', 'idle', 'ready'],", tests: ['test/core-units.test.ts'] },
  { id: 'a stale step told it is current', file: 'src/worker/session/session-machine.ts',
    from: '    if (epoch === this.#epoch) return;', to: '    return;', tests: ['test/core-units.test.ts', 'test/keeper-core.test.ts', ...SIM] },
  { id: 'handles taken without take: true', file: 'src/worker/handles/handle-table.ts',
    from: '      if (!take) {', to: '      if (false) {', tests: ['test/keeper-core.test.ts', ...SIM] },
  { id: 'handles taken under another plugin', file: 'src/worker/handles/handle-table.ts',
    from: '    if (owned.info.plugin !== plugin) {', to: '    if (false) {', tests: ['test/keeper-core.test.ts', ...SIM] },
  { id: 'a lost handle answers InvalidArgumentError', file: 'src/worker/handles/handle-table.ts',
    from: '    for (const handleId of this.#handles.keys()) this.#gone.add(handleId);', to: '',
    tests: ['test/keeper-core.test.ts', ...SIM] },
  { id: 'a tab gone during an outage leaves its handles on Janus', file: 'src/worker/handles/handle-table.ts',
    from: '      for (const owned of gone) this.#doomed.set(owned.info.handleId, owned.info.plugin);', to: '',
    tests: ['test/keeper-core.test.ts', ...SIM] },
  { id: 'a detach into a dead link is never retried', file: 'src/worker/handles/handle-table.ts',
    from: '      this.#letGo(handle.id);\n      if (this.#handles.delete(handle.id)) this.host.changed();\n      return;',
    to: '      this.#forgetDoomed(handle.id);\n      this.#letGo(handle.id);\n      if (this.#handles.delete(handle.id)) this.host.changed();\n      return;',
    tests: ['test/sim-scenarios-worker-restart.test.ts', 'test/keeper-half-open.test.ts', ...SIM] },
  { id: 'a handle id bound blind onto a created session', file: 'src/worker/keeper.ts',
    from: '      if (!session.reclaimed || this.#handles.isGone(request.handleId)) {', to: '      if (false) {',
    tests: ['test/sim-scenarios-worker-restart.test.ts', ...SIM] },
  { id: 'detach after a 459 keeps a stale entry', file: 'src/worker/keeper.ts',
    from: '      if (!(error instanceof JanusError && error.code === JanusErrorCode.HandleNotFound)) throw error;', to: '      throw error;',
    tests: ['test/keeper-core.test.ts', ...SIM] },
  { id: 'an unseen tab decided on the answer that started its grace', file: 'src/worker/host/tabs.ts',
    from: '      if (this.#unseen(tabId)) this.#whenNoPage(tabId, (afterWaiting) =>', to: '      if (false) this.#whenNoPage(tabId, (afterWaiting) =>',
    tests: ['test/unseen-tabs.test.ts'] },
  { id: "a waiting keeper's states forget why it waits", file: 'src/worker/keeper.ts',
    from: 'const cause = this.#waitCause ?? this.#machine.cause;', to: 'const cause = this.#machine.cause;', tests: ['test/record-lock.test.ts'] },
  { id: 'calls in flight to an owner that went hang', file: 'src/worker/record/owner-relay.ts',
    from: "    this.#ownerGone('the keeper that held the session went away during the call; its outcome is unknown');", to: '',
    tests: ['test/relay.test.ts'] },
  { id: "a waiting keeper's pages wait for an owner forever", file: 'src/worker/record/owner-relay.ts',
    from: "      if (this.#ownerId === undefined) for (const joined of this.#pages) this.#decide(joined, 'local');", to: '',
    tests: ['test/relay.test.ts'] },
  { id: 'a plugin error loses its data across the boundary', file: 'src/bridge/errors.ts',
    from: "'data', 'plugin', 'answer', ", to: '', tests: ['test/plugin-answers.test.ts'] },
  { id: 'awaitEvent: false still waits for the event', file: 'src/janus/handle.ts',
    from: "options.awaitEvent !== false);", to: 'true);', tests: ['test/plugin-answers.test.ts'] },
  { id: 'janus.js messages get their event as a synchronous answer', file: 'src/janusjs/frames.ts',
    from: 'await keeper.message(handleId, body, jsep, { awaitEvent: false });', to: 'await keeper.message(handleId, body, jsep);',
    tests: ['test/janusjs-frames.test.ts'] },
  { id: 'TransportError.local lost across the boundary', file: 'src/bridge/errors.ts',
    from: "'timeoutMs', 'local',", to: "'timeoutMs',", tests: ['test/core-units.test.ts'] },
  { id: 'a throwing listener breaks the emitter', file: 'src/janus/emitter.ts',
    from: '      } catch (error) {\n        reportListenerError(type, error);\n      }', to: '      } finally {\n      }',
    tests: ['test/core-units.test.ts'] },
  { id: 'a session claimed elsewhere goes unreported', file: 'src/worker/session/ownership-watch.ts',
    from: "      if (!owned && session.state === 'open') {", to: '      if (false) {', tests: ['test/keeper-core.test.ts'] },
  { id: 'jitter clipped at the cap (a crowd in lockstep)', file: 'src/worker/recovery/backoff.ts',
    from: '  return Math.floor(policy.floorMs + draw * (ceiling - policy.floorMs));',
    to: '  return Math.min(policy.capMs, Math.floor(policy.floorMs + draw * 2 * (ceiling - policy.floorMs)));', tests: ['test/schedule.test.ts'] },
  { id: 'a local cause waits the backoff', file: 'src/worker/recovery/backoff.ts',
    from: "  if (cause === 'local') return 0;", to: '', tests: ['test/schedule.test.ts', 'test/keeper-recovery.test.ts'] },
];

const root = fileURLToPath(new URL('..', import.meta.url));
const only = process.argv.find((arg) => arg.startsWith('--only='))?.slice('--only='.length);

function run(files: string[]): Promise<boolean> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-timeout=90000', ...files],
      { cwd: root, timeout: 600_000, maxBuffer: 64 * 1024 * 1024 }, (error) => resolve(error === null));
  });
}

const rows: string[] = ['| # | deliberate bug | file | caught by | caught |', '|---|---|---|---|---|'];
let missed = 0;
for (const [index, mutant] of MUTANTS.entries()) {
  if (only && !mutant.id.includes(only)) continue;
  const path = `${root}/${mutant.file}`;
  const original = readFileSync(path, 'utf8');
  if (original.split(mutant.from).length !== 2) throw new Error(`mutant "${mutant.id}": its text is not in ${mutant.file} exactly once`);
  writeFileSync(path, original.replace(mutant.from, mutant.to));
  let caughtBy: string[] = [];
  try {
    // The first test that fails is enough: the list goes from the most specific to the simulation.
    for (const file of mutant.tests) {
      if (existsSync(`${root}/${file}`) && !(await run([file]))) {
        caughtBy = [file.replace('test/', '')];
        break;
      }
    }
  } finally {
    writeFileSync(path, original);
  }
  if (caughtBy.length === 0) missed++;
  const row = `| ${index + 1} | ${mutant.id} | ${mutant.file.replace('src/', '')} | ${caughtBy.join(', ') || '-'} | ${caughtBy.length > 0 ? 'yes' : 'NO'} |`;
  rows.push(row);
  console.log(row);
}
console.log(`\n${rows.join('\n')}\n\n${MUTANTS.length - missed} of ${MUTANTS.length} deliberate bugs caught`);
process.exitCode = missed > 0 ? 1 : 0;
