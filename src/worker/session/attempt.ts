// One attempt to open a session (a claim, or a create without an id) in a generation of the state
// machine: within the per-minute limit, a claim's first calls pipelined behind it, and a session
// that outlived its generation let go.
import type { JanusSession } from '../../janus/index.js';
import type { ClaimPipeline } from './claim-pipeline.js';
import type { SessionMachine } from './session-machine.js';
import type { StepsContext } from './steps-context.js';

export async function openAttempt(ctx: StepsContext, pipeline: ClaimPipeline, epoch: number, sessionId: number | undefined,
  server: string): Promise<JanusSession> {
  const { machine, recovery, stats } = ctx;
  const what = sessionId === undefined ? 'create' : 'claim';
  machine.check(epoch, what);
  while (!(await recovery.slot((at) => machine.setNextRetryAt(at)))) machine.check(epoch, what);
  machine.check(epoch, what);
  stats.connections++;
  let session: JanusSession;
  try {
    session = await ctx.open(sessionId, server, () => !machine.isCurrent(epoch),
      sessionId === undefined ? undefined : (early) => pipeline.sent(epoch, early));
  } catch (error) {
    pipeline.ended(epoch);
    // The generation ended meanwhile (e.g. a cancelled create): its callers learn why, as documented
    // (DestroyedError after destroy()), not the cancelled attempt's own error.
    machine.check(epoch, what);
    throw error;
  }
  pipeline.ended(epoch, session);
  if (sessionId === undefined) stats.creates++;
  else stats.claims++;
  if (!machine.isCurrent(epoch)) {
    discard(session, machine);
    machine.check(epoch, what);
  }
  return session;
}

/** A fresh session nobody will use is destroyed; a claimed one is closed (its record may be claimed again). */
function discard(session: JanusSession, machine: SessionMachine): void {
  if (!session.reclaimed || machine.ended === 'destroyed') void session.destroy().catch(() => session.close());
  else session.close();
}
