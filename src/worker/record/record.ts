// The keeper's stored record: one write queue, the claimability rules, and a store that fails
// (IndexedDB blocked, over quota, terminated) behaving as "no record" instead of stopping the keeper.
import { rateLimited, type Clock, type JanusSession, type Logger } from '../../janus/index.js';
import { unclaimable, withExpiry } from '../servers/servers.js';
import { STORE_VERSION, type DoomedHandle, type SessionStore, type StoredHandle, type StoredSession } from './store.js';

export interface RecordContents {
  session: JanusSession;
  /** With a list of servers: the one that owns the session. */
  ownerServer: string | undefined;
  handles: StoredHandle[];
  doomed: DoomedHandle[];
}

export class SessionRecord {
  readonly #warn: Logger;
  /** Sessions this keeper saw end: never claimed again from a record that could not be cleared. */
  readonly #ended = new Set<number>();
  #queue: Promise<void> = Promise.resolve();
  #loading = 0;

  constructor(
    private readonly store: SessionStore,
    /** The keeper's identity: the record's key. */
    private readonly key: string,
    private readonly servers: readonly string[],
    private readonly clock: Clock,
    logger: Logger | undefined,
  ) {
    this.#warn = rateLimited(logger ?? { warn() {} }, 3, 60_000, () => clock.now());
  }

  /** A `loadClaimable` is on its way (a new keeper's establish: a tab's first call may name a handle it will adopt). */
  get loading(): boolean {
    return this.#loading > 0;
  }

  /**
   * The stored record, unless Janus has surely dropped its session by now or it names an owner
   * that is not one of this keeper's servers (then it is cleared). A store that fails gives none.
   * A lost session's handles waiting for their restore come as they are (`awaitingRestore`: never claimed).
   */
  async loadClaimable(): Promise<StoredSession | undefined> {
    this.#loading++;
    let stored: StoredSession | undefined;
    try {
      stored = await this.#load();
    } finally {
      this.#loading--;
    }
    if (stored?.awaitingRestore) return stored;
    const why = stored && (this.#ended.has(stored.sessionId)
      ? 'the stored session has ended (its record could not be cleared before): not claimed'
      : unclaimable(stored, this.servers, this.clock.now()));
    if (!why) return stored;
    this.#warn.warn(why);
    void this.clear();
    return undefined;
  }

  async #load(): Promise<StoredSession | undefined> {
    await this.#queue; // a write still on its way is part of what is stored
    try {
      return await this.store.load(this.key);
    } catch (error) {
      this.#warn.warn(`could not read the stored session record (going on without it): ${describe(error)}`);
      return undefined;
    }
  }

  /** Queues a write of the live session (its `savedAt` is when Janus last answered on it). */
  save(contents: RecordContents): Promise<void> {
    const { session, ownerServer, handles, doomed } = contents;
    const record: StoredSession = withExpiry({
      version: STORE_VERSION,
      server: this.key,
      // A record keyed by its server's URL names no owner (that is the key); one keyed by a list
      // or a scope names the server that owns the session.
      ...(ownerServer === undefined || ownerServer === this.key ? {} : { ownerServer }),
      sessionId: session.id,
      handles,
      ...(doomed.length === 0 ? {} : { doomed }),
      savedAt: session.lastActivityAt,
    }, session);
    return this.#enqueue(() => this.store.save(record), 'save');
  }

  /** The session ended on Janus (lost or destroyed): clears the record, and remembers it for good. */
  ended(sessionId: number): Promise<void> {
    this.#ended.add(sessionId);
    return this.clear();
  }

  /** The session `sessionId` was lost and `handles` wait for their restore on a new one (`awaitingRestore`). */
  awaitRestore(sessionId: number, handles: StoredHandle[]): Promise<void> {
    this.#ended.add(sessionId);
    const record: StoredSession = { version: STORE_VERSION, server: this.key, sessionId, handles, savedAt: this.clock.now(), awaitingRestore: true };
    return this.#enqueue(() => this.store.save(record), 'save');
  }

  clear(): Promise<void> {
    return this.#enqueue(() => this.store.clear(this.key), 'clear');
  }

  #enqueue(write: () => Promise<void>, what: string): Promise<void> {
    this.#queue = this.#queue.then(write).catch((error: unknown) => {
      this.#warn.warn(`could not ${what} the stored session record: ${describe(error)}`);
    });
    return this.#queue;
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
