import type {
  AttachRequest,
  CreateResult,
  HandleInfo,
  KeeperConfig,
  KeeperEndpoint,
  KeeperState,
  MessageResult,
  TabHello,
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
import { serveCalls } from '../../bridge/port-calls.js';
import { VERSION, VersionMismatchError } from '../../bridge/version.js';
import type { Keeper } from '../keeper.js';

/** Finds or makes the keeper for a config; one keeper per Janus server or server list (`keeperKey`). */
export type KeeperLookup = (config: KeeperConfig) => Keeper;

/**
 * What one page gets through Comlink: the keeper's calls, bound to that page's tab so that
 * handles belong to it. Every call before `hello` throws.
 */
export class TabEndpoint implements KeeperEndpoint {
  #keeper: Keeper | undefined;
  #tabId = '';
  #lockName = '';

  /** `release` runs once the page is gone (e.g. to close its Comlink port). */
  constructor(
    private readonly keeperFor: KeeperLookup,
    private readonly release: () => void = () => {},
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
    keeper.tabs.add(this.#tabId, this.#lockName, events, () => {
      this.#keeper = undefined;
      this.release();
    });
    serveCalls(events, this); // every call after hello comes on the tab's own port
    return { ...keeper.snapshot(this.#tabId), version: VERSION };
  }

  create(sessionId?: number): Promise<CreateResult> {
    return this.#use().create(sessionId);
  }

  attach(plugin: string, options?: AttachRequest): Promise<HandleInfo> {
    return this.#use().attach(this.#tabId, plugin, options ?? {});
  }

  message(handleId: number, body: Record<string, unknown>, jsep?: Jsep, options?: MessageOptions): Promise<MessageResult> {
    return this.#use().message(this.#tabId, handleId, body, jsep, options);
  }

  info(): Promise<Record<string, unknown>> {
    return this.#use().info();
  }

  trickle(handleId: number, candidate: TrickleCandidate | TrickleCandidate[] | null): Promise<void> {
    return this.#use().trickle(this.#tabId, handleId, candidate);
  }

  hangup(handleId: number): Promise<void> {
    return this.#use().hangup(this.#tabId, handleId);
  }

  detach(handleId: number): Promise<void> {
    return this.#use().detach(this.#tabId, handleId);
  }

  async state(): Promise<KeeperState> {
    return this.#use().snapshot(this.#tabId);
  }

  async online(): Promise<void> {
    this.#use().online();
  }

  destroy(): Promise<void> {
    return this.#use().destroy();
  }

  async goodbye(): Promise<void> {
    this.#keeper?.tabs.remove(this.#lockName, false);
  }

  #use(): Keeper {
    if (!this.#keeper) throw new DestroyedError('not connected: call hello() first (or the tab said goodbye)');
    return this.#keeper;
  }
}
