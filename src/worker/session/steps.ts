// The keeper's session life, one owner for all of it: establishing (claim, else create), binding,
// reclaiming after a drop, losing, recreating, destroying and sleeping. Every step runs in a
// generation of the state machine and re-checks it after each await, so the outcome of an older
// step never binds, persists or publishes.
import type { CreateResult, ServerAllows } from '../../bridge/api.js';
import {
  JanusError,
  JanusErrorCode,
  requestMayHaveReached,
  SessionReclaimException,
  TransportError,
  type JanusSession,
} from '../../janus/index.js';
import { fromStored, toStored, type Orphan } from '../handles/handle-table.js';
import { openAttempt } from './attempt.js';
import { ClaimPipeline } from './claim-pipeline.js';
import { ExpiryWatch } from '../recovery/expiry-watch.js';
import { describe, isFatal, isTokenFailure, redactIds } from '../recovery/failures.js';
import { announceMissedEvents, announceRestores } from './handle-notices.js';
import { OwnershipWatch } from './ownership-watch.js';
import { closedUnderUs, endsWithItsLink, preferLinkThatOutlives, RECLAIM_ZERO_CAUSE } from '../servers/server-allows.js';
import { ServerKnowledge } from '../servers/server-knowledge.js';
import { creationOrder, firstThatAnswers, ownerOf } from '../servers/servers.js';
import type { StepsContext } from './steps-context.js';

export class SessionSteps {
  readonly #ctx: StepsContext;
  #session: JanusSession | undefined;
  /** The server of the live (or last) session: claims go there only. */
  #owner: string | undefined;
  /** The server whose session was lost: the next create starts after it (see `creationOrder`). */
  #lostOn: string | undefined;
  /** The create or claim in flight, which callers join. */
  #job: Promise<CreateResult> | undefined;
  /** Set while a new session is wanted after a loss (autoRecreate): the handles to restore on it. */
  #recreate: Orphan[] | undefined;
  /** The session whose handles were adopted from the stored record (none bound yet). */
  #adoptedFrom: number | undefined;
  readonly #pipeline: ClaimPipeline;

  readonly #watch: OwnershipWatch;
  readonly #expiry: ExpiryWatch;
  readonly #known: ServerKnowledge;

  constructor(context: StepsContext) {
    this.#ctx = context;
    this.#known = new ServerKnowledge(context.servers, context.standalone, context.note);
    this.#pipeline = new ClaimPipeline(context.machine, context.handles);
    this.#expiry = new ExpiryWatch(context.clock);
    this.#watch = new OwnershipWatch({
      clock: context.clock,
      everyMs: context.ownershipProbeMs,
      timeoutMs: context.requestTimeoutMs,
      plugin: () => context.handles.anyPlugin(),
      current: (session) => session === this.#session && this.#isReady(),
      onClaimedElsewhere: () => this.#lose('another client claimed the session: Janus sends its events there now', undefined),
    });
  }

  /** An event came for one of the session's handles: it is still this keeper's. */
  noteEvent(): void {
    this.#watch.noteEvent();
  }

  /** The live session, or the last one (closed) while idle. */
  get session(): JanusSession | undefined {
    return this.#session;
  }

  /** The session a claim on its way asks for, once the claim went out (until it is answered). */
  get claiming(): JanusSession | undefined {
    return this.#pipeline.session;
  }

  /** What the server of the last session allows it to survive (see `ServerAllows`); undefined until Janus told. */
  get serverAllows(): ServerAllows | undefined {
    return this.#known.allows;
  }

  /** The server that owns the session; with none, the first to try. */
  get server(): string {
    return (this.#session && this.#owner) || this.#ctx.servers[0]!;
  }

  async create(sessionId: number | undefined, timeoutMs: number): Promise<CreateResult> {
    const { machine } = this.#ctx;
    if (machine.state === 'reconnecting') await machine.untilReady(timeoutMs, () => this.#recreate !== undefined);
    if (this.#isReady()) return { sessionId: this.#session!.id, reclaimed: false };
    return this.#job ?? this.#run((epoch) => this.#establish(epoch, sessionId));
  }

  /**
   * The open session: waits through a reconnection or a recreate; creates one when there is none.
   * While a claim is on its way over WebSocket, the session it claims as soon as the claim went out:
   * the call goes right behind it and settles once the claim's answer is known (see `onClaimSent`).
   */
  async live(timeoutMs: number): Promise<JanusSession> {
    const { machine } = this.#ctx;
    const waiting = machine.state === 'reconnecting' || machine.state === 'connecting'
      || (machine.state === 'lost' && this.#recreate !== undefined);
    if (waiting) await machine.untilReady(timeoutMs, () => this.#recreate !== undefined, () => this.#pipeline.session !== undefined);
    const claiming = this.#pipeline.session;
    if (claiming) return claiming;
    if (!this.#isReady()) await this.create(undefined, timeoutMs);
    if (!this.#isReady()) throw new TransportError('no open session to Janus');
    return this.#session!;
  }

  /** The network is back: the scheduled claim (or recreate) runs now, spaced by the local limit. */
  online(cause = 'network back online'): void {
    const { machine, recovery } = this.#ctx;
    // A refused token with no provider: only a new token (which ends the failure first) goes on.
    if (this.#job || this.#ctx.waitsForToken()) return;
    if (machine.state === 'reconnecting') machine.go('reconnecting', cause, recovery.soon(() => this.#startReclaim()));
    else if (machine.state === 'lost' && this.#recreate) machine.go('lost', cause, recovery.soon(() => this.#startRecreate()));
  }

  async destroy(): Promise<void> {
    const { machine, recovery } = this.#ctx;
    machine.bump('destroyed');
    recovery.cancel();
    this.#recreate = undefined;
    const session = this.#session;
    this.#forget('the session was destroyed by a tab', undefined, 'idle', session !== undefined, false);
    if (!session) return;
    if (session.state !== 'open') {
      session.close(); // no link to tell Janus: it drops the session after its reclaim window
      return;
    }
    try {
      await session.destroy();
    } catch (error) {
      session.close();
      throw error;
    }
  }

  /** No tab left (or, with `cause`, another keeper takes over): stop keepalives, leave the session on Janus. */
  sleep(cause = 'no tab left'): void {
    const { machine, recovery } = this.#ctx;
    machine.bump('no tab left');
    recovery.cancel();
    this.#watch.stop();
    this.#expiry.stop();
    this.#recreate = undefined;
    machine.go('idle', cause);
    this.#session?.close();
  }

  persist(): Promise<void> {
    const session = this.#session;
    const { record, servers, handles } = this.#ctx;
    // (Handles adopted from the record, not claimed yet: the record stays, for the claim to come.)
    // (Handles waiting for their restore: the record keeps them, for a keeper that takes over.)
    if (!session) return this.#adoptedFrom === undefined && !this.#recreate?.length ? record.clear() : Promise.resolve();
    return record.save({ session, ownerServer: this.#owner ?? servers[0], handles: handles.stored(),
      doomed: handles.storedDoomed() });
  }

  // --- steps -----------------------------------------------------------------------------------

  /** Runs `step` as the one job of a new generation (older steps are stale from now on). */
  #run(step: (epoch: number) => Promise<CreateResult>): Promise<CreateResult> {
    const epoch = this.#ctx.machine.bump();
    this.#ctx.recovery.cancel();
    const job: Promise<CreateResult> = step(epoch).finally(() => {
      if (this.#job === job) this.#job = undefined;
    });
    this.#job = job;
    job.catch(() => {}); // its callers see the error; a recreate or reclaim has none
    return job;
  }

  /** Claims the given, live or stored session on its owner; when Janus refuses it (or none), creates. */
  async #establish(epoch: number, givenId: number | undefined): Promise<CreateResult> {
    const { machine, handles, servers, autoRecreate } = this.#ctx;
    machine.go('connecting', givenId !== undefined ? 'claim' : this.#recreate ? 'recreate after a loss' : 'create');
    try {
      const read = await this.#ctx.record.loadClaimable();
      machine.check(epoch, 'create');
      // A lost session's handles that wait for a restore (the keeper that lost it may have died since).
      if (read?.awaitingRestore && autoRecreate && this.#recreate === undefined) this.#recreate = read.handles.map(fromStored);
      const stored = read?.awaitingRestore ? undefined : read;
      const candidate = givenId ?? this.#session?.id ?? stored?.sessionId;
      const fromStore = stored !== undefined && stored.sessionId === candidate;
      if (fromStore && handles.size === 0) {
        handles.adopt(stored.handles, stored.doomed ?? []);
        this.#adoptedFrom = stored.sessionId;
      }
      // A claim goes to the owner only: never a create elsewhere while it may still hold the session.
      const claimOn = fromStore ? ownerOf(stored) : this.#owner ?? servers[0]!;
      if (candidate !== undefined) {
        try {
          return this.#bind(epoch, await this.#open(epoch, candidate, claimOn), claimOn, 'claimed');
        } catch (error) {
          if (!(error instanceof SessionReclaimException) || !machine.isCurrent(epoch)) throw error;
          const orphans = handles.orphans();
          this.#lostOn = claimOn;
          const why = fromStore && stored.endsWithLink ? RECLAIM_ZERO_CAUSE : `claim refused: ${error.reason}`;
          this.#forget(why, error.code, 'connecting', true, true, candidate);
          if (autoRecreate) this.#awaitRestore(candidate, orphans);
        }
      }
      // Handles of a session that cannot be claimed any more are gone with it: a fresh session never
      // inherits their ids (every call on them would answer 459 while the tabs show ready).
      if (handles.size > 0) {
        const orphans = handles.orphans();
        const endedId = this.#adoptedFrom;
        this.#forget('the session of these handles can no longer be claimed: they are gone with it',
          JanusErrorCode.SessionNotFound, 'connecting', true, true, endedId);
        if (autoRecreate) this.#awaitRestore(endedId, orphans);
      }
      handles.clear(); // doomed ids of a session not claimed went with it
      const order = preferLinkThatOutlives(creationOrder(servers, this.#lostOn), this.#known.wsEndsSessions, this.#known.outlivesPages);
      const create = (server: string) => this.#open(epoch, undefined, server);
      const opened = await this.#known.onLinkThatOutlives(await firstThatAnswers(order, create), create,
        () => machine.check(epoch, 'create'));
      return this.#bind(epoch, opened.session, opened.server, 'created');
    } catch (error) {
      if (machine.isCurrent(epoch)) this.#failed(error);
      throw error;
    }
  }


  /** An establish failed: idle; or, while a new session is wanted after a loss, lost with a retry. */
  #failed(error: unknown): void {
    const { machine, recovery } = this.#ctx;
    const cause = describe(error);
    if (this.#recreate && !isFatal(error) && this.#wanted()) {
      // A refused token with no provider to ask: no attempt until a new token comes (`online`).
      machine.go('lost', `no new session yet: ${cause}`,
        this.#awaitsToken(error) ? undefined : recovery.later('server', () => this.#startRecreate()));
      return;
    }
    const wasRecreating = this.#recreate !== undefined;
    this.#recreate = undefined;
    machine.go(wasRecreating ? 'lost' : 'idle', cause);
  }

  /** One attempt (see `openAttempt`). */
  #open(epoch: number, sessionId: number | undefined, server: string): Promise<JanusSession> {
    return openAttempt(this.#ctx, this.#pipeline, epoch, sessionId, server);
  }

  /** Makes `session` the live one and re-binds every known handle to it (no requests). */
  #bind(epoch: number, session: JanusSession, server: string, how: string): CreateResult {
    const { machine, recovery, handles, tabs, standalone, stats } = this.#ctx;
    machine.check(epoch, 'bind');
    if (session.state !== 'open') throw new TransportError('the link dropped as the session opened');
    this.#session = session;
    this.#owner = server;
    this.#known.learn(server, session.serverTimeouts);
    this.#lostOn = undefined;
    this.#adoptedFrom = undefined;
    this.#expiry.reset();
    recovery.up();
    session.on('keepalive', () => {
      if (session !== this.#session) return;
      stats.keepalives++;
      // Janus answers: a detach that failed meanwhile (HTTP, a slow link) goes again now.
      for (const doomed of handles.takeDoomed(session)) void handles.detachOrDoom(doomed).catch(() => {});
      void this.persist(); // keeps savedAt (when Janus last answered) fresh for a new worker
    });
    session.on('disconnected', (error) => this.#onDisconnected(session, error));
    session.on('lost', (error) => this.#onLost(session, error));
    for (const doomed of handles.rebindAll(session)) void handles.detachOrDoom(doomed).catch(() => {});
    if (!standalone) for (const owner of handles.owners()) if (!tabs.isLive(owner)) tabs.expectBack(owner);
    void this.persist();
    machine.go('ready', how);
    this.#watch.start(session);
    if (session.reclaimed) announceMissedEvents(handles, session.id, this.#ctx.deliver);
    const restore = this.#recreate;
    this.#recreate = undefined;
    if (restore) announceRestores(restore, session.id, tabs, standalone, this.#ctx.deliver);
    return { sessionId: session.id, reclaimed: session.reclaimed };
  }

  #onDisconnected(session: JanusSession, error: TransportError): void {
    const { machine, recovery, handles } = this.#ctx;
    if (session !== this.#session || machine.state !== 'ready') return;
    if (this.#owner && endsWithItsLink(this.#owner, session.serverTimeouts) && closedUnderUs(error)) {
      // Janus destroyed the session as it saw the socket close: a claim can only answer 458.
      recovery.down();
      this.#lose(RECLAIM_ZERO_CAUSE, JanusErrorCode.SessionNotFound);
      return;
    }
    machine.bump();
    recovery.down();
    this.#watch.stop();
    handles.unbindAll();
    this.#retryLater(error.message, error.local ? 'local' : 'server');
  }

  /** A token failure that only a new token (`setToken`, a page's) can mend: no attempt before it comes. */
  #awaitsToken(error: unknown): boolean {
    return isTokenFailure(error) && this.#ctx.waitsForToken();
  }

  /**
   * The next claim on the backoff (none with `retry` false: the keeper waits for a new token),
   * unless Janus has surely dropped the session (see `surelyExpired`).
   */
  #retryLater(cause: string, kind: 'local' | 'server', retry = true): void {
    const { machine, recovery } = this.#ctx;
    const session = this.#session!;
    const expired = () => this.#lose('the session timeout passed before Janus was reachable again', JanusErrorCode.SessionNotFound);
    // After a local fault (a wake from sleep) the clocks say little about Janus: the claim will tell.
    if (kind === 'server' && this.#expiry.afterDrop(session, () => session === this.#session && machine.state === 'reconnecting' && expired())) {
      return expired();
    }
    machine.go('reconnecting', cause, retry ? recovery.later(kind, () => this.#startReclaim()) : undefined);
  }

  #startReclaim(): void {
    void this.#run((epoch) => this.#reclaim(epoch));
  }

  #startRecreate(): void {
    void this.#run((epoch) => this.#establish(epoch, undefined));
  }

  async #reclaim(epoch: number): Promise<CreateResult> {
    const { machine } = this.#ctx;
    const previous = this.#session;
    const owner = this.#owner;
    if (!previous || !owner || machine.state !== 'reconnecting') throw new TransportError('nothing to reclaim');
    machine.setNextRetryAt(undefined);
    try {
      return this.#bind(epoch, await this.#open(epoch, previous.id, owner), owner, 'claimed after a drop');
    } catch (error) {
      if (machine.isCurrent(epoch)) {
        if (requestMayHaveReached(error)) this.#expiry.claimMayHaveReached();
        if (error instanceof SessionReclaimException) this.#lose(`the session expired on Janus: ${error.reason}`, error.code);
        else if (isFatal(error)) this.#lose(`Janus refused the claim: ${(error as JanusError).reason}`, (error as JanusError).code, false);
        else this.#retryLater(describe(error), 'server', !this.#awaitsToken(error));
      }
      throw error;
    }
  }

  #onLost(session: JanusSession, error: JanusError): void {
    if (session !== this.#session) return;
    this.#lose(`the session expired on Janus: ${error.reason}`, error.code);
  }

  /** State `lost`; with `autoRecreate` (and anyone left to use it), a new session and a `restore` per handle. */
  #lose(reason: string, code: number | undefined, recreate = this.#ctx.autoRecreate): void {
    const { machine, recovery, handles } = this.#ctx;
    machine.bump();
    const orphans = handles.orphans();
    const endedId = this.#session?.id;
    this.#lostOn = this.#owner;
    this.#forget(reason, code, 'lost', true);
    recovery.reset();
    if (recreate && this.#wanted()) {
      this.#awaitRestore(endedId, orphans);
      if (!this.#ctx.waitsForToken()) this.#startRecreate();
    }
  }

  /**
   * `orphans` wait for a new session (autoRecreate), kept in the record too: a keeper that takes over
   * before one is made (this worker killed, another tab's keeper) still restores them.
   */
  #awaitRestore(endedId: number | undefined, orphans: Orphan[]): void {
    this.#recreate = [...(this.#recreate ?? []), ...orphans];
    if (endedId !== undefined && this.#recreate.length > 0) {
      void this.#ctx.record.awaitRestore(endedId, this.#recreate.map(toStored));
    }
  }

  /** The session is no more: forget it everywhere and (when there was one) tell every tab, once. */
  #forget(reason: string, code: number | undefined, next: 'idle' | 'lost' | 'connecting', told: boolean, close = true,
    endedId = this.#session?.id): void {
    const { machine, recovery, handles, broadcast } = this.#ctx;
    recovery.cancel();
    this.#watch.stop();
    this.#expiry.stop();
    const session = this.#session;
    this.#session = undefined;
    this.#adoptedFrom = undefined;
    if (close) session?.close();
    handles.clear();
    if (endedId !== undefined) void this.#ctx.record.ended(endedId);
    else void this.persist();
    const text = redactIds(reason);
    if (told) broadcast(code === undefined ? { type: 'session-lost', reason: text } : { type: 'session-lost', reason: text, code });
    machine.go(next, text);
  }

  #isReady(): boolean {
    return this.#ctx.machine.state === 'ready' && this.#session?.state === 'open';
  }

  /** Standalone (Node) recreates for its one owner; a worker only while a page is there. */
  #wanted(): boolean {
    return this.#ctx.standalone || this.#ctx.tabs.pageCount > 0;
  }
}
