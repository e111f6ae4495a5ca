// A claim over WebSocket that went out and is not answered yet: calls go right behind it on its link
// (pipelined) instead of waiting for its answer; Janus answers them in order, after the claim.
import type { JanusSession } from '../../janus/index.js';
import type { HandleTable } from '../handles/handle-table.js';
import type { SessionMachine } from './session-machine.js';

export class ClaimPipeline {
  #pipeline: { epoch: number; session: JanusSession } | undefined;
  readonly #machine: SessionMachine;
  readonly #handles: HandleTable;

  constructor(machine: SessionMachine, handles: HandleTable) {
    this.#machine = machine;
    this.#handles = handles;
  }

  /** The claim of the current generation that went out, unanswered, on an open WebSocket. */
  get session(): JanusSession | undefined {
    const pipeline = this.#pipeline;
    if (!pipeline || !this.#machine.isCurrent(pipeline.epoch) || pipeline.session.state !== 'open') return undefined;
    return pipeline.session;
  }

  /**
   * The claim of `epoch` went out: the handles are bound to its session (no requests), and calls
   * waiting for the session go now, right behind the claim on its link.
   */
  sent(epoch: number, session: JanusSession): void {
    const machine = this.#machine;
    if (!machine.isCurrent(epoch)) return;
    this.#handles.bindAll(session);
    this.#pipeline = { epoch, session };
    // The same state told again: a reloaded tab learns now which of its handles the claim carries,
    // so that its first call can go right behind the claim too.
    if (machine.state === 'connecting' || machine.state === 'reconnecting') machine.retell();
    else machine.notify();
  }

  /**
   * The claim of `epoch` was answered (`answered`: its session) or failed: calls wait for the
   * session's state again. Handles bound to a claim that failed are bound to nothing until the next.
   */
  ended(epoch: number, answered?: JanusSession): void {
    const pipeline = this.#pipeline;
    if (pipeline?.epoch !== epoch) return;
    this.#pipeline = undefined;
    if (pipeline.session !== answered && this.#machine.isCurrent(epoch)) this.#handles.unbindAll();
  }
}
