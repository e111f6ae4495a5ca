// janus.js's request frames -> the keeper's calls, and the keeper's answers and events -> the
// frames janus.js expects back, in Janus's own shapes. janus.js's code stays its own: it talks to
// this as to a Janus WebSocket.
import type { HandleEvent, HandleInfo, KeeperState, MessageResult } from '../bridge/api.js';
import { JanusError, PluginError, type Jsep, type MessageOptions, type TrickleCandidate } from '../janus/index.js';

/** What the frames need of the keeper: a `KeeperClient` is one (and so is a Node `Keeper` bound to a tab). */
export interface KeeperCallsForFrames {
  create(): Promise<{ sessionId: number }>;
  attach(plugin: string, options?: { opaqueId?: string; token?: string }): Promise<HandleInfo>;
  message(handleId: number, body: Record<string, unknown>, jsep?: Jsep, options?: MessageOptions): Promise<MessageResult>;
  trickle(handleId: number, candidate: TrickleCandidate | TrickleCandidate[] | null): Promise<void>;
  hangup(handleId: number): Promise<void>;
  detach(handleId: number): Promise<void>;
  info(): Promise<Record<string, unknown>>;
  /** A page's keeper client tells its states: `create` is then answered once a claim went out. */
  on?(type: 'state', listener: (state: KeeperState) => void): () => void;
}

/** A Janus JSON frame as janus.js sends and receives it. */
export type Frame = { janus: string; [key: string]: unknown };

/**
 * One janus.js session's view (one fake socket): answers its requests and turns the keeper's events
 * for its handles into frames. `emit` gets every frame for janus.js, answers and events alike, in
 * the order they happened.
 */
export class FrameSession {
  /** This janus.js session's handles, with their plugins. */
  readonly handles = new Map<number, string>();
  #sessionId: number | undefined;
  /** The session a create answered early ends on, while its claim is unanswered. */
  #claimEnds: Promise<number> | undefined;

  constructor(
    private readonly keeper: () => Promise<KeeperCallsForFrames>,
    private readonly emit: (frame: Frame) => void,
    private readonly onClaim: (session: FrameSession) => void = () => {},
    /** The token of the session's frames: an attach with another one carries its own (janus.js `attach({ token })`). */
    private readonly sessionToken: () => string | undefined = () => undefined,
  ) {}

  /** Answers one janus.js request frame (`emit`s the answer). */
  async request(frame: Frame): Promise<void> {
    const transaction = frame['transaction'];
    const answer = (fields: Frame) => this.emit({ ...fields, transaction, ...this.#session() });
    try {
      answer(await this.#answer(frame));
    } catch (error) {
      answer(errorFrame(error));
    }
  }

  /** A keeper event for one of this session's handles, as janus.js gets it from Janus. */
  event(event: HandleEvent): void {
    const { handleId, plugin, janus, ...rest } = event;
    const base = { ...this.#session(), sender: handleId };
    switch (janus) {
      case 'event': {
        const { data, jsep, ...extra } = rest as { data: Record<string, unknown>; jsep?: Jsep };
        this.emit({ ...extra, janus, ...base, plugindata: { plugin, data }, ...(jsep ? { jsep } : {}) });
        break;
      }
      case 'media': {
        const { media, ...extra } = rest as { media: string };
        this.emit({ ...extra, janus, ...base, type: media });
        break;
      }
      default:
        this.emit({ ...rest, janus, ...base });
    }
  }

  /** Janus (or another tab) took the handle away. */
  detached(handleId: number): void {
    if (!this.handles.delete(handleId)) return;
    this.emit({ janus: 'detached', ...this.#session(), sender: handleId });
  }

  /** Ends this janus.js session's handles (never the shared session). */
  async release(): Promise<void> {
    const handles = [...this.handles.keys()];
    this.handles.clear();
    if (handles.length === 0) return;
    const keeper = await this.keeper();
    await Promise.all(handles.map((handleId) => keeper.detach(handleId).catch(() => {})));
  }

  #session(): { session_id?: number } {
    return this.#sessionId === undefined ? {} : { session_id: this.#sessionId };
  }

  async #answer(frame: Frame): Promise<Frame> {
    const handleId = frame['handle_id'];
    switch (frame.janus) {
      case 'create':
        this.#sessionId = await this.#create(await this.keeper());
        return { janus: 'success', data: { id: this.#sessionId } };
      case 'claim': {
        this.#sessionId = (await (await this.keeper()).create()).sessionId;
        this.onClaim(this);
        return { janus: 'success', data: { id: this.#sessionId } };
      }
      case 'keepalive':
        return { janus: 'ack' }; // the keeper keeps the session alive: nothing goes to Janus
      case 'info':
        return { ...(await (await this.keeper()).info()), janus: 'server_info' };
      case 'attach': {
        const opaqueId = frame['opaque_id'];
        const token = frame['token'];
        const own = typeof token === 'string' && token !== '' && token !== this.sessionToken() ? { token } : {};
        const attach = async () => (await this.keeper()).attach(String(frame['plugin']),
          typeof opaqueId === 'string' && opaqueId !== '' ? { opaqueId, ...own } : own);
        const claimEnds = this.#claimEnds;
        let handle: HandleInfo;
        try {
          handle = await attach();
        } catch (error) {
          // It went behind a claim that Janus refused: the keeper goes on on a new session; it goes again there.
          if (!claimEnds || await claimEnds.catch(() => this.#sessionId) === this.#sessionId) throw error;
          handle = await attach();
        }
        this.handles.set(handle.handleId, handle.plugin);
        return { janus: 'success', data: { id: handle.handleId } };
      }
      case 'destroy':
        await this.release();
        return { janus: 'success' };
    }
    if (typeof handleId !== 'number') return errorFrame(new JanusError(457, `${frame.janus} needs a handle`));
    const keeper = await this.keeper();
    switch (frame.janus) {
      case 'message':
        return this.#message(keeper, handleId, frame);
      case 'trickle': {
        const candidate = (frame['candidates'] ?? frame['candidate'] ?? null) as TrickleCandidate | TrickleCandidate[] | null;
        await keeper.trickle(handleId, candidate);
        return { janus: 'ack' };
      }
      case 'hangup':
        await keeper.hangup(handleId);
        return { janus: 'success' };
      case 'detach':
        this.handles.delete(handleId);
        await keeper.detach(handleId);
        return { janus: 'success' };
      default:
        return errorFrame(new JanusError(453, `unknown request '${frame.janus}'`));
    }
  }

  /**
   * A reloaded page's session: the stored one, as soon as the keeper's claim of it went out, so that
   * janus.js's attach goes right behind the claim (one round trip for both); else once created.
   * janus.js keeps that id when Janus refuses the claim (its attach then goes again on the new session).
   */
  #create(keeper: KeeperCallsForFrames): Promise<number> {
    let off = () => {};
    const ends: Promise<number> = keeper.create().then(({ sessionId }) => sessionId).finally(() => {
      off();
      if (this.#claimEnds === ends) this.#claimEnds = undefined;
    });
    return Promise.race([ends, new Promise<number>((resolve) => {
      off = keeper.on?.('state', ({ state, claiming }) => {
        if (state !== 'connecting' || claiming === undefined) return;
        this.#claimEnds = ends;
        resolve(claiming);
      }) ?? off;
    })]);
  }

  async #message(keeper: KeeperCallsForFrames, handleId: number, frame: Frame): Promise<Frame> {
    const body = (frame['body'] ?? {}) as Record<string, unknown>;
    const jsep = frame['jsep'] as Jsep | undefined;
    try {
      // The event (if any) comes on the keeper's event port, in Janus's order with the ack.
      const result = await keeper.message(handleId, body, jsep, { awaitEvent: false });
      if (result.answer === 'ack') return { janus: 'ack' };
      return { janus: 'success', sender: handleId, plugindata: { plugin: this.handles.get(handleId) ?? '', data: result.data } };
    } catch (error) {
      // A plugin's error is its data: janus.js apps read `error_code` / `error` in it.
      if (error instanceof PluginError) {
        return { janus: 'success', sender: handleId, plugindata: { plugin: error.plugin, data: error.data } };
      }
      throw error;
    }
  }
}

function errorFrame(error: unknown): Frame {
  const code = error instanceof JanusError ? error.code : 490;
  const reason = error instanceof JanusError ? error.reason : error instanceof Error ? error.message : String(error);
  return { janus: 'error', error: { code, reason } };
}
