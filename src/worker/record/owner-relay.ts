// While another keeper holds this keeper's record (a leader tab next to SharedWorker tabs, a worker
// restarted while the old one still runs), this keeper's pages are served by that owner: their
// calls go to it over the record's BroadcastChannel, with the leader relay's protocol
// (bridge/relay.ts; the owner answers with a RelayServer, host/relay-server.ts), and its events for
// them come back, so they are `ready` on the owner's session. One claimant still: this keeper never
// touches Janus meanwhile. When the lock comes (the owner went) the pages are this keeper's again:
// calls in flight that are safe to repeat run here, the others reject (outcome unknown), and the
// keeper claims the stored session. A page no owner answers for is served here, told why it waits.
import type { KeeperState, TabEvent, TabHello } from '../../bridge/api.js';
import { asRelayMessage, LeaderGoneError, relayedError, RETRYABLE_METHODS, type RelayMessage, type RelayMethod,
  type RelayRequest } from '../../bridge/relay.js';
import { systemClock, TimeoutError, type Clock } from '../../janus/index.js';
import type { RelayChannel } from '../host/relay-server.js';

/** The channel on which the keeper holding `recordLock` serves the other keepers' pages. */
export function ownerChannelName(recordLock: string): string {
  return `${recordLock}/relay`;
}

/** How long a page's calls wait for an owner to answer before this keeper serves them (waiting). */
export const OWNER_ANSWER_MS = 1_000;
/** Pages served here while another keeper holds the session ask for the owner again this often. */
const OWNER_RETRY_MS = 5_000;
/** The deadline of a call sent to the owner (the page's own deadline is usually shorter). */
const OWNER_CALL_MS = 60_000;

/** One page of this keeper, as the relay sees it. */
export interface RelayedPage {
  readonly hello: TabHello;
  /** An event of the owner for this page. */
  deliver(event: TabEvent): void;
  /** The owner serves the page now (true), or this keeper does again (false). */
  servedElsewhere(elsewhere: boolean): void;
}

type Route = 'owner' | 'local';

interface Joined {
  readonly pageId: string;
  readonly page: RelayedPage;
  route: Route | Promise<Route>;
  decide?: (route: Route) => void;
  sessionId?: number | undefined;
}

interface OwnerCall {
  joined: Joined;
  method: RelayMethod;
  args: unknown[];
  sentTo: string;
  timer: unknown;
  resolve(value: unknown): void;
  reject(error: Error): void;
  /** The same call on this keeper (undefined for a hello). */
  local: (() => Promise<unknown>) | undefined;
}

/** A page's handle on the relay: its calls, routed to the owner or run here. */
export interface RelayRoute {
  call(method: RelayMethod, args: unknown[], local: () => Promise<unknown>): Promise<unknown>;
  /** True while the owner serves the page. */
  readonly elsewhere: boolean;
  /** Settles once the record lock said whether this keeper holds it or waits (and so why it waits). */
  readonly known: Promise<void>;
  leave(): void;
}

export class OwnerRelay {
  readonly #pages = new Set<Joined>();
  readonly #calls = new Map<number, OwnerCall>();
  #nextId = 1;
  /** `undecided` until the record lock says whether this keeper holds it or waits behind another. */
  #mode: 'undecided' | 'local' | 'relaying' = 'undecided';
  #ownerId: string | undefined;
  #noOwnerTimer: unknown;
  /** Pages waiting for the lock's first word (the mode). */
  #known: Array<() => void> = [];

  readonly #channel: RelayChannel;
  readonly #needLock: () => void;
  readonly #clock: Clock;

  /** `needLock` runs when a page joins before the lock said anything: the keeper asks for it then. */
  constructor(channel: RelayChannel, needLock: () => void, clock: Clock = systemClock) {
    this.#channel = channel;
    this.#needLock = needLock;
    this.#clock = clock;
    channel.addEventListener('message', (event) => {
      const message = asRelayMessage(event.data);
      if (message) this.#receive(message);
    });
  }

  join(page: RelayedPage): RelayRoute {
    const joined: Joined = { pageId: crypto.randomUUID(), page, route: 'local' };
    this.#pages.add(joined);
    if (this.#mode !== 'local') this.#undecide(joined);
    if (this.#mode === 'relaying' && this.#ownerId !== undefined) this.#hello(joined);
    if (this.#mode === 'undecided') this.#needLock();
    return {
      call: (method, args, local) => this.#call(joined, method, args, local),
      get elsewhere() {
        return joined.route === 'owner';
      },
      known: this.#mode === 'undecided' ? new Promise<void>((known) => this.#known.push(known)) : Promise.resolve(),
      leave: () => {
        this.#pages.delete(joined);
        this.#decide(joined, 'local');
      },
    };
  }

  /** Pages joined or joining: the keeper wants its record lock for them. */
  get pageCount(): number {
    return this.#pages.size;
  }

  /** The keeper waits behind the owner: every page goes to it (once it answers). */
  wait(): void {
    if (this.#mode === 'relaying') return;
    this.#mode = 'relaying';
    this.#tellKnown();
    this.#ownerId = undefined;
    for (const joined of this.#pages) this.#undecide(joined);
    this.#askWho();
  }

  /**
   * Asks the owner to say who it is; pages no owner answered for within `OWNER_ANSWER_MS` are served
   * here (waiting), and asked for again every `OWNER_RETRY_MS`: an owner that was busy or starting
   * (a loaded machine, a lost message) answers a later ask, and its pages then go to it.
   */
  #askWho(): void {
    this.#channel.postMessage({ kind: 'who', from: 'owner-relay' } satisfies RelayRequest);
    this.#clock.clearTimeout(this.#noOwnerTimer);
    this.#noOwnerTimer = this.#clock.setTimeout(() => {
      if (this.#mode !== 'relaying') return;
      if (this.#ownerId === undefined) for (const joined of this.#pages) this.#decide(joined, 'local');
      this.#askAgainLater();
    }, OWNER_ANSWER_MS);
  }

  #askAgainLater(): void {
    if (![...this.#pages].some((joined) => joined.route === 'local')) return;
    this.#clock.clearTimeout(this.#noOwnerTimer);
    this.#noOwnerTimer = this.#clock.setTimeout(() => {
      if (this.#mode === 'relaying') this.#askWho();
    }, OWNER_RETRY_MS);
  }

  /** The owner serves pages of this keeper on a session, which this keeper claims once the lock comes. */
  get ownerHasSession(): boolean {
    return this.#mode === 'relaying' && [...this.#pages].some((joined) => joined.route === 'owner' && joined.sessionId !== undefined);
  }

  /**
   * The keeper let the lock go: with no page left (idle), the next page's calls wait for the lock's
   * answer again; pages still there (a handover) are served here, their calls asking for the lock.
   */
  letGo(): void {
    this.serveHere();
    if (this.#pages.size === 0) this.#mode = 'undecided';
  }

  /**
   * The keeper holds the lock: its pages are its own. `claimed` is its claim of the session the owner
   * served: the pages' calls wait for it, since before it the keeper knows none of their handles.
   */
  serveHere(claimed?: Promise<unknown>): void {
    this.#mode = 'local';
    this.#tellKnown();
    this.#clock.clearTimeout(this.#noOwnerTimer);
    this.#ownerId = undefined;
    const serve = () => {
      if (this.#mode === 'local') for (const joined of this.#pages) this.#decide(joined, 'local');
    };
    for (const joined of this.#pages) this.#undecide(joined);
    Promise.resolve(claimed).then(serve, serve);
    this.#ownerGone('went away');
  }

  #tellKnown(): void {
    for (const known of this.#known.splice(0)) known();
  }

  #call(joined: Joined, method: RelayMethod, args: unknown[], local: () => Promise<unknown>): Promise<unknown> {
    const route = joined.route;
    if (route === 'local') return local();
    if (route !== 'owner') return route.then(() => this.#call(joined, method, args, local));
    return this.#send(joined, method, args, local);
  }

  #send(joined: Joined, method: RelayMethod, args: unknown[], local: (() => Promise<unknown>) | undefined): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const id = this.#nextId++;
      const timeoutMs = local ? OWNER_CALL_MS : OWNER_ANSWER_MS;
      const timer = this.#clock.setTimeout(() => this.#settle(id, () => reject(new TimeoutError(
        `${method}: the keeper that holds the session did not answer within ${timeoutMs} ms`, timeoutMs))), timeoutMs);
      this.#calls.set(id, { joined, method, args, sentTo: this.#ownerId!, timer, resolve, reject, local });
      this.#channel.postMessage({ kind: 'call', from: joined.pageId, to: this.#ownerId!, id, method, args } satisfies RelayRequest);
    });
  }

  #settle(id: number, settle: (call: OwnerCall) => void): void {
    const call = this.#calls.get(id);
    if (!call) return;
    this.#clock.clearTimeout(call.timer);
    this.#calls.delete(id);
    settle(call);
  }

  /** Says hello for the page to the owner; the page goes to it once it answers. */
  #hello(joined: Joined): void {
    this.#undecide(joined);
    const ownerId = this.#ownerId;
    this.#send(joined, 'hello', [joined.page.hello], undefined).then((value) => {
      if (!this.#pages.has(joined) || this.#ownerId !== ownerId) return;
      const state = value as KeeperState;
      joined.sessionId = state.sessionId;
      joined.page.servedElsewhere(true);
      this.#decide(joined, 'owner');
      joined.page.deliver({ type: 'state', state });
    }, (error: unknown) => {
      if (this.#ownerId !== ownerId) return;
      this.#decide(joined, 'local'); // refused (another version) or silent
      if (error instanceof TimeoutError) this.#askAgainLater(); // silent: a busy owner answers later
    });
  }

  #receive(message: RelayMessage): void {
    if (message.kind === 'leader') {
      if (this.#mode !== 'relaying') return;
      if (message.leaderId === this.#ownerId) {
        for (const joined of this.#pages) if (joined.route === 'local') this.#hello(joined); // asked again
        return;
      }
      this.#ownerId = message.leaderId;
      for (const joined of this.#pages) this.#hello(joined);
      this.#ownerGone('changed');
      return;
    }
    if (message.kind !== 'result' && message.kind !== 'error' && message.kind !== 'event') return;
    if (message.kind === 'event') {
      const joined = [...this.#pages].find((page) => page.pageId === message.to);
      if (!joined || message.leaderId !== this.#ownerId || joined.route !== 'owner') return;
      if (message.event.type === 'state') joined.sessionId = message.event.state.sessionId;
      joined.page.deliver(message.event);
      return;
    }
    const call = this.#calls.get(message.id);
    if (!call || call.joined.pageId !== message.to || call.sentTo !== message.leaderId) return;
    if (message.kind === 'result') this.#settle(message.id, (done) => done.resolve(message.value));
    else this.#settle(message.id, (done) => done.reject(relayedError(message.error)));
  }

  /** Calls sent to an owner that is gone: safe ones run again (here or at the next owner), the others reject. */
  #ownerGone(what: 'went away' | 'changed'): void {
    for (const [id, call] of this.#calls) {
      if (call.sentTo === this.#ownerId) continue;
      // A hello rejects too: the next owner, if any, gets its own.
      this.#settle(id, ({ joined, method, args, local, resolve, reject }) => {
        if (local && RETRYABLE_METHODS.has(method)) this.#call(joined, method, args, local).then(resolve, reject);
        else reject(new LeaderGoneError(`${method}: the keeper that held the session ${what} during the call; its outcome is unknown`));
      });
    }
  }

  #undecide(joined: Joined): void {
    if (joined.route instanceof Promise) return;
    if (joined.route === 'owner') joined.page.servedElsewhere(false);
    joined.route = new Promise<Route>((decide) => (joined.decide = decide));
  }

  #decide(joined: Joined, route: Route): void {
    if (joined.route === 'owner' && route === 'local') joined.page.servedElsewhere(false);
    const decide = joined.decide;
    joined.route = route;
    joined.decide = undefined;
    decide?.(route);
  }
}
