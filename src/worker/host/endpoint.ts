import type {
  AttachRequest,
  CreateResult,
  HandleInfo,
  KeeperConfig,
  KeeperEndpoint,
  KeeperState,
  MessageResult,
  TabHello,
  TokenAnswer,
} from '../../bridge/api.js';
import {
  DestroyedError,
  InvalidArgumentError,
  requireNonEmptyString,
  type Jsep,
  type MessageOptions,
  type TrickleCandidate,
} from '../../janus/index.js';
import { checkConfig } from '../../bridge/config.js';
import { VERSION, VersionMismatchError } from '../../bridge/version.js';
import type { RelayMethod } from '../../bridge/relay.js';
import type { Keeper } from '../keeper.js';
import type { OwnerRelay, RelayRoute } from '../record/owner-relay.js';

/** Finds or makes the keeper for a config; one keeper per Janus server or server list (`keeperKey`). */
export type KeeperLookup = (config: KeeperConfig) => Keeper;

/** The relay to the keeper that holds a keeper's record when that is another one (none: always served here). */
export type OwnerRelayLookup = (keeper: Keeper) => OwnerRelay | undefined;

/**
 * What one page gets through Comlink (bridge/port-calls `exposeKeeper`, on the page's connect
 * port) or the leader's relay: the keeper's calls, bound to that page's tab so that handles belong
 * to it; its events go on the port `hello` was given. Every call before `hello` throws.
 */
export class TabEndpoint implements KeeperEndpoint {
  #keeper: Keeper | undefined;
  #tabId = '';
  #lockName = '';
  /** Where the page's calls go while another keeper holds the record. */
  #route: RelayRoute | undefined;

  /** `release` runs once the page is gone (e.g. to close its Comlink port). */
  constructor(
    private readonly keeperFor: KeeperLookup,
    private readonly release: () => void = () => {},
    private readonly ownerRelayFor: OwnerRelayLookup = () => undefined,
  ) {}

  async hello(hello: TabHello, events: MessagePort): Promise<KeeperState> {
    if (this.#keeper) throw new InvalidArgumentError('hello() was already called on this connection');
    if (hello?.version !== undefined && hello.version !== VERSION) throw new VersionMismatchError(hello.version, VERSION);
    const config = checkConfig(hello?.config);
    this.#tabId = requireNonEmptyString(hello.tabId, 'tabId');
    this.#lockName = requireNonEmptyString(hello.lockName, 'lockName');
    if (!(events instanceof MessagePort)) throw new InvalidArgumentError('events must be a MessagePort');
    const keeper = this.keeperFor(config);
    this.#keeper = keeper;
    const tabId = this.#tabId;
    const lockName = this.#lockName;
    this.#route = this.ownerRelayFor(keeper)?.join({
      hello: { ...hello, config, tabId, lockName },
      deliver: (event) => events.postMessage(event),
      servedElsewhere: (elsewhere) => {
        keeper.tabs.serveElsewhere(lockName, elsewhere);
        if (!elsewhere) events.postMessage({ type: 'state', state: keeper.snapshot(tabId) });
      },
    });
    // A new keeper (a restarted worker) learns whether it waits behind another only from its record
    // lock: the page gets its first state after that, so that it says why it waits.
    if (this.#route) await this.#route.known;
    keeper.tabs.add(tabId, lockName, events, () => {
      this.#keeper = undefined;
      keeper.pageTokens.remove(lockName);
      this.#route?.leave();
      this.release();
    });
    if (hello.tokenProvider === true) keeper.pageTokens.add(lockName, (event) => events.postMessage(event));
    // A token this page brings (janus.js `new Janus({ token })` in a later tab) is newer.
    if (typeof config.token === 'string') keeper.offerToken(config.token);
    return { ...keeper.snapshot(this.#tabId), version: VERSION };
  }

  create(sessionId?: number): Promise<CreateResult> {
    return this.#serve('create', [sessionId], (keeper) => keeper.create(sessionId));
  }

  attach(plugin: string, options?: AttachRequest): Promise<HandleInfo> {
    return this.#serve('attach', [plugin, options], (keeper) => keeper.attach(this.#tabId, plugin, options ?? {}));
  }

  message(handleId: number, body: Record<string, unknown>, jsep?: Jsep, options?: MessageOptions): Promise<MessageResult> {
    return this.#serve('message', [handleId, body, jsep, options], (keeper) => keeper.message(this.#tabId, handleId, body, jsep, options));
  }

  info(): Promise<Record<string, unknown>> {
    return this.#serve('info', [], (keeper) => keeper.info());
  }

  trickle(handleId: number, candidate: TrickleCandidate | TrickleCandidate[] | null): Promise<void> {
    return this.#serve('trickle', [handleId, candidate], (keeper) => keeper.trickle(this.#tabId, handleId, candidate));
  }

  hangup(handleId: number): Promise<void> {
    return this.#serve('hangup', [handleId], (keeper) => keeper.hangup(this.#tabId, handleId));
  }

  detach(handleId: number): Promise<void> {
    return this.#serve('detach', [handleId], (keeper) => keeper.detach(this.#tabId, handleId));
  }

  state(): Promise<KeeperState> {
    return this.#serve('state', [], async (keeper) => keeper.snapshot(this.#tabId));
  }

  online(): Promise<void> {
    return this.#serve('online', [], async (keeper) => keeper.online());
  }

  destroy(): Promise<void> {
    return this.#serve('destroy', [], (keeper) => keeper.destroy());
  }

  setToken(token: string | null): Promise<void> {
    return this.#serve('setToken', [token], async (keeper) => keeper.setToken(token));
  }

  answerToken(requestId: number, answer: TokenAnswer): Promise<void> {
    return this.#serve('answerToken', [requestId, answer], async (keeper) => keeper.pageTokens.answer(this.#lockName, requestId, answer));
  }

  async goodbye(): Promise<void> {
    const keeper = this.#keeper;
    if (this.#route?.elsewhere) await this.#route.call('goodbye', [], async () => {}).catch(() => {});
    keeper?.tabs.remove(this.#lockName, false);
  }

  /** Runs the call on this keeper, or on the keeper that holds the record while that is another one. */
  #serve<T>(method: RelayMethod, args: unknown[], here: (keeper: Keeper) => Promise<T>): Promise<T> {
    let keeper: Keeper;
    try {
      keeper = this.#use();
    } catch (error) {
      return Promise.reject(error);
    }
    if (!this.#route) return here(keeper);
    return this.#route.call(method, args, () => here(keeper)) as Promise<T>;
  }

  #use(): Keeper {
    if (!this.#keeper) throw new DestroyedError('not connected: call hello() first (or the tab said goodbye)');
    return this.#keeper;
  }
}
