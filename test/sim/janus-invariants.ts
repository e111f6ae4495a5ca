// What Janus holds, judged against what the tabs hold: never two sessions of the record
// holding handles at once (a ghost session), no tab silently deaf (a handle it holds that Janus does
// not know, on a session it is told is ready, with nothing telling it), and once the link is up and
// quiet, no handle on Janus that no tab holds (a leak). Each excuses only what no keeper can know:
// a frame the network held longer than the client's own deadline, a handle Janus dropped on its
// own, a store that could not be read or written, a session given up by destroy() or refused with 403.
import type { TabEvent } from '../../src/bridge/api.js';
import type { JanusMessage } from '../../src/janus/index.js';
import type { Keeper } from '../../src/worker/keeper.js';
import type { SimSocket } from './fake-websocket.js';
import type { World } from './world.js';

export class JanusInvariants {
  /** Sessions whose fate no keeper could know (see the file's note). */
  readonly #excused = new Set<number>();
  /** Handles whose tab was told they are gone or moved, or that a tab named on its own word. */
  readonly #told = new Set<number>();
  /** Handle ids some keeper learned from an attach answer (a leak is judged only for those). */
  readonly #learned = new Set<number>();
  readonly #sentAt = new Map<string, number>();
  /** When the keeper last listed each handle for a tab, and last got a keepalive answered. */
  readonly #listedAt = new Map<number, number>();
  #ackedAt = -Infinity;
  #failedAt = -Infinity;
  /** Sessions alive with handles when the last worker died, and the store's load failures then. */
  #atRestart: { sessions: Set<number>; loadFailures: number } | undefined;

  constructor(private readonly world: World, private readonly fail: (invariant: string, detail: string) => void) {}

  watch(keeper: Keeper): void {
    keeper.on('session-lost', () => {
      if (keeper === this.world.keeper) this.#told.clear();
    });
  }

  workerRestarted(): void {
    const { model, store } = this.world;
    const sessions = new Set([...model.sessions.values()].filter((session) => session.handles.size > 0).map((session) => session.id));
    // The new worker finds only the stored session: any other is out of its reach, and so is any
    // when the store failed a write since (the record may be older than what Janus last saw).
    for (const id of sessions) if (store.current?.sessionId !== id || store.staleSinceWrite) this.#excused.add(id);
    this.#atRestart = { sessions, loadFailures: store.loadFailures };
  }

  destroyStarted(): void {
    // destroy() ends the session for the tabs at once; Janus drops it when it hears (or after its timers).
    for (const session of this.world.model.sessions.values()) this.#excused.add(session.id);
  }

  takenOnWord(handleId: number): void {
    this.#told.add(handleId);
  }

  posted(_tab: string, event: TabEvent): void {
    if (event.type === 'detached' || (event.type as string) === 'handle-moved') {
      this.#told.add((event as unknown as { handleId: number }).handleId);
    }
  }

  arrived(request: JanusMessage, delayMs: number): void {
    // (An HTTP request is sent when fetch is called, and goes on the wire once its connection opens.)
    const sentAt = typeof request.transaction === 'string' ? this.#sentAt.get(request.transaction) : undefined;
    const late = Math.max(delayMs, sentAt === undefined ? 0 : this.world.clock.now() - sentAt) >= this.world.options.requestTimeoutMs;
    if (late && typeof request.session_id === 'number') this.#excused.add(request.session_id);
  }

  linkFailed(): void {
    this.#failedAt = this.world.clock.now();
  }

  sent(request: JanusMessage): void {
    if (typeof request.transaction === 'string') this.#sentAt.set(request.transaction, this.world.clock.now());
  }

  received(socket: SimSocket, frame: JanusMessage, delayMs: number): void {
    const { options, clock } = this.world;
    const asked = typeof frame.transaction === 'string' ? socket.requests.get(frame.transaction) : undefined;
    const sentAt = typeof frame.transaction === 'string' ? this.#sentAt.get(frame.transaction) : undefined;
    // An answer after the client's deadline: it had given up on it (a network slower than any deadline).
    const late = delayMs >= options.requestTimeoutMs || (sentAt !== undefined && clock.now() - sentAt >= options.requestTimeoutMs);
    if (late) return this.#lateAbout(frame, asked);
    const sessionId = typeof frame.session_id === 'number' ? frame.session_id : asked?.session_id;
    if (typeof sessionId === 'number') {
      if (frame.janus === 'error' && frame.error?.code === 403) this.#excused.add(sessionId);
    }
    if (frame.janus === 'success' && asked?.janus === 'attach' && typeof frame.data?.id === 'number') this.#learned.add(frame.data.id);
    if (frame.janus === 'ack' && asked?.janus === 'keepalive') this.#ackedAt = clock.now();
  }

  #lateAbout(frame: JanusMessage, asked: JanusMessage | undefined): void {
    for (const id of [frame.session_id, asked?.session_id]) if (typeof id === 'number') this.#excused.add(id);
  }

  check(settledTime: boolean): void {
    const now = this.world.clock.now();
    for (const tab of this.world.tabs.values()) {
      for (const { handleId } of this.world.keeper.snapshot(tab.id).handles) this.#listedAt.set(handleId, now);
    }
    this.#ghost();
    this.#deaf();
    if (settledTime) this.#leak();
  }

  #ghost(): void {
    const { model, store } = this.world;
    const restart = this.#atRestart;
    if (restart && store.loadFailures > restart.loadFailures) for (const id of restart.sessions) this.#excused.add(id);
    const holding = [...model.sessions.values()].filter((session) => session.handles.size > 0 && !this.#excused.has(session.id));
    if (holding.length < 2) return;
    // Janus keeps both, with their handles: the tabs know one, the other lives on unseen (soak defect 2).
    this.fail('ghost-session', `${holding.length} sessions of the record hold handles on Janus at once`);
    for (const session of holding) this.#excused.add(session.id);
  }

  #deaf(): void {
    const { world } = this;
    const snapshot = world.keeper.snapshot();
    const session = snapshot.sessionId === undefined ? undefined : world.model.sessions.get(snapshot.sessionId);
    if (snapshot.state !== 'ready' || !session) return;
    for (const tab of world.tabs.values()) {
      if (!tab.page && !world.options.standalone) continue;
      for (const { handleId } of world.keeper.snapshot(tab.id).handles) {
        if (world.handles.get(handleId)?.tab !== tab.id || session.handles.has(handleId)) continue;
        if (world.model.droppedByJanus.has(handleId) || this.#told.has(handleId) || this.#detaching(handleId)) continue;
        // Every call on it answers 459 while the tab shows ready, and nothing tells it why (soak defect 1).
        this.fail('deaf-tab', `${tab.id} holds handle ${handleId}, which Janus does not know on the ready session, untold`);
        this.#told.add(handleId);
      }
    }
  }

  /**
   * Once the link is up and quiet: every handle on Janus is one a tab holds (soak defect 3).
   * A handle let go is judged after a keepalive was answered since, and since the last link failure
   * (Janus reachable again: a detach that failed meanwhile had its chance to go again).
   */
  #leak(): void {
    const { world } = this;
    const snapshot = world.keeper.snapshot();
    const id = snapshot.sessionId;
    const session = id === undefined ? undefined : world.model.sessions.get(id);
    if (snapshot.state !== 'ready' || !session || this.#excused.has(session.id)) return;
    if (world.net.queue.length > 0 || world.calls.some((call) => !call.settled)) return;
    if (world.options.transport === 'ws' && !world.net.usable().some((socket) => socket.sessions.has(session.id) && !socket.blackholed)) return;
    const held = new Set<number>();
    for (const tab of world.tabs.values()) for (const { handleId } of world.keeper.snapshot(tab.id).handles) held.add(handleId);
    for (const handleId of session.handles.keys()) {
      if (held.has(handleId) || !this.#learned.has(handleId)) continue;
      if (this.#ackedAt <= Math.max(this.#listedAt.get(handleId) ?? -Infinity, this.#failedAt)) continue;
      this.fail('handle-leak', `handle ${handleId} is on Janus, but no tab holds it (the link is up and quiet)`);
      this.#learned.delete(handleId);
    }
  }

  #detaching(handleId: number): boolean {
    // (A detach whose worker died under it may have reached Janus: the tab asked to let the handle go.)
    return this.world.calls.some((call) => call.what === `detach(handle ${handleId})` && (!call.settled || call.outcome === 'WorkerDied'));
  }
}
