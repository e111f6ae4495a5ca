// The leader's side of the BroadcastChannel relay (no SharedWorker): one TabEndpoint per page,
// as the SharedWorker gives each connected page, with calls and events addressed by page id.
import type { TabEvent, TabHello } from '../../bridge/api.js';
import { serializeError } from '../../bridge/errors.js';
import { asRelayMessage, type RelayMethod, type RelayReply, type RelayRequest } from '../../bridge/relay.js';
import { DestroyedError, InvalidArgumentError, requireNonEmptyString } from '../../janus/index.js';
import { TabEndpoint, type KeeperLookup } from './endpoint.js';
import { webLocksLiveness, type LivenessWatch } from './tabs.js';

/** What the relay needs of a BroadcastChannel (a test may pass anything alike). */
export interface RelayChannel {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
}

interface RelayedPage {
  endpoint: TabEndpoint;
  /** The keeper posts the page's events on port1; port2 forwards them to the channel. */
  events: MessageChannel;
}

const CALLS = new Set<RelayMethod>(['create', 'attach', 'message', 'trickle', 'hangup', 'detach', 'state', 'online',
  'destroy', 'goodbye', 'info', 'setToken', 'answerToken']);

/** The leader tab's side of the relay: serves the keeper to every tab over a BroadcastChannel. */
export class RelayServer {
  readonly leaderId = crypto.randomUUID();
  readonly #pages = new Map<string, RelayedPage>();

  constructor(
    private readonly channel: RelayChannel,
    private readonly keeperFor: KeeperLookup,
    private readonly liveness: LivenessWatch = webLocksLiveness,
    private readonly endpointFor: (keeperFor: KeeperLookup) => TabEndpoint = (keeperFor) => new TabEndpoint(keeperFor),
    /** Whether this server leads now (a keeper serving other keepers' pages: while it holds its record). */
    private readonly leads: () => boolean = () => true,
  ) {
    channel.addEventListener('message', (event) => {
      const message = asRelayMessage(event.data);
      if (message?.kind === 'who') this.announce();
      else if (message?.kind === 'call' && message.to === this.leaderId) void this.#answer(message);
    });
    this.announce();
  }

  /** Tells every tab that this leader is up (they say hello to it again); not while it does not lead. */
  announce(): void {
    if (this.leads()) this.#post({ kind: 'leader', leaderId: this.leaderId });
  }

  async #answer(call: Extract<RelayRequest, { kind: 'call' }>): Promise<void> {
    const { from: to, id } = call;
    try {
      const value = await this.#dispatch(call);
      this.#post({ kind: 'result', leaderId: this.leaderId, to, id, value });
    } catch (thrown) {
      const error = thrown instanceof Error ? thrown : new Error(String(thrown));
      this.#post({ kind: 'error', leaderId: this.leaderId, to, id,
        error: serializeError(error) ?? { name: error.name, message: error.message } });
    }
  }

  /** Runs synchronously up to the endpoint call, so calls of one page keep their order. */
  #dispatch({ from, method, args }: Extract<RelayRequest, { kind: 'call' }>): Promise<unknown> {
    requireNonEmptyString(from, 'from');
    if (!Array.isArray(args)) throw new InvalidArgumentError('args must be an array');
    if (method === 'hello') return this.#hello(from, args[0] as TabHello);
    if (!CALLS.has(method)) throw new InvalidArgumentError('unknown keeper call');
    const page = this.#pages.get(from);
    if (!page) throw new DestroyedError('not connected to this leader: say hello first');
    if (method === 'goodbye') this.#drop(from);
    const call = page.endpoint[method] as (...callArgs: unknown[]) => Promise<unknown>;
    return call.apply(page.endpoint, args);
  }

  #hello(from: string, hello: TabHello): Promise<unknown> {
    const known = this.#pages.get(from);
    if (known) return known.endpoint.state(); // said twice (it asked before it heard this leader)
    const page: RelayedPage = { endpoint: this.endpointFor(this.keeperFor), events: new MessageChannel() };
    page.events.port2.onmessage = (event: MessageEvent<TabEvent>) =>
      this.#post({ kind: 'event', leaderId: this.leaderId, to: from, event: event.data });
    this.#pages.set(from, page);
    const state = page.endpoint.hello(hello, page.events.port1);
    state.then(() => this.liveness(hello.lockName, () => this.#drop(from)), () => this.#drop(from));
    return state;
  }

  #drop(from: string): void {
    const page = this.#pages.get(from);
    if (!page) return;
    this.#pages.delete(from);
    page.events.port2.close();
  }

  #post(message: RelayReply): void {
    this.channel.postMessage(message);
  }
}
