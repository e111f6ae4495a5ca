import { DestroyedError, InvalidArgumentError } from './errors.js';
import { Emitter } from './emitter.js';
import { pluginErrorOf, type JanusMessage, type Jsep } from './protocol.js';

/** What a plugin answered: its data, and the JSEP when it sent one. */
export interface PluginResponse {
  plugin: string;
  data: Record<string, unknown>;
  jsep?: Jsep;
  /** The whole Janus frame. */
  message: JanusMessage;
}

export interface HandleEvents {
  /** A plugin event not consumed as the answer of `message()`. */
  event: PluginResponse;
  webrtcup: JanusMessage;
  media: JanusMessage;
  slowlink: JanusMessage;
  hangup: JanusMessage;
  trickle: JanusMessage;
  /** The handle is gone: detached by this client, by Janus, or with its session. */
  detached: JanusMessage | undefined;
}

/**
 * One trickled ICE candidate: the browser's `RTCIceCandidateInit` (`event.candidate.toJSON()`) is
 * one; `{ completed: true }` tells Janus there are no more.
 */
export interface TrickleCandidate {
  candidate?: string;
  sdpMid?: string | null;
  sdpMLineIndex?: number | null;
  usernameFragment?: string | null;
  completed?: boolean;
}

/** What a handle needs from its session; keeps the handle testable and the import one-way. */
export interface HandleOwner {
  requestForHandle(
    handleId: number,
    janus: string,
    fields: Record<string, unknown>,
    awaitEvent: boolean,
  ): Promise<JanusMessage>;
  forgetHandle(handleId: number): void;
}

/** One plugin handle on a session. Calls after `detach()` (or after its session ended) throw. */
export class PluginHandle extends Emitter<HandleEvents> {
  #detached = false;

  constructor(
    private readonly owner: HandleOwner,
    readonly id: number,
    readonly plugin: string,
    readonly opaqueId?: string,
  ) {
    super();
  }

  get detached(): boolean {
    return this.#detached;
  }

  /**
   * Sends a message to the plugin. Resolves with its synchronous answer or, when Janus acks
   * first, with the event tied to this transaction. A plugin error rejects as `JanusError`.
   */
  async message(body: Record<string, unknown>, jsep?: Jsep): Promise<PluginResponse> {
    checkMessage(body, jsep);
    const fields: Record<string, unknown> = { body };
    if (jsep) fields['jsep'] = jsep;
    const answer = await this.#request('message', fields, true);
    const error = pluginErrorOf(answer);
    if (error) throw error;
    return toPluginResponse(answer, this.plugin);
  }

  /** Sends one candidate, several, or `null` for "gathering completed". */
  async trickle(candidate: TrickleCandidate | TrickleCandidate[] | null): Promise<void> {
    checkCandidates(candidate);
    const fields = candidate === null
      ? { candidate: { completed: true } }
      : Array.isArray(candidate) ? { candidates: candidate } : { candidate };
    await this.#request('trickle', fields, false);
  }

  async hangup(): Promise<void> {
    await this.#request('hangup', {}, false);
  }

  async detach(): Promise<void> {
    if (this.#detached) return;
    await this.#request('detach', {}, false);
    this.markDetached(undefined);
  }

  /** Called by the session with a frame whose `sender` is this handle. */
  receive(message: JanusMessage): void {
    switch (message.janus) {
      case 'event':
        this.emit('event', toPluginResponse(message, this.plugin));
        break;
      case 'detached':
        this.markDetached(message);
        break;
      case 'webrtcup':
      case 'media':
      case 'slowlink':
      case 'hangup':
      case 'trickle':
        this.emit(message.janus, message);
        break;
    }
  }

  /** The handle no longer exists on Janus (or this client let it go). */
  markDetached(message: JanusMessage | undefined): void {
    if (this.#detached) return;
    this.#detached = true;
    this.owner.forgetHandle(this.id);
    this.emit('detached', message);
  }

  #request(janus: string, fields: Record<string, unknown>, awaitEvent: boolean): Promise<JanusMessage> {
    if (this.#detached) return Promise.reject(new DestroyedError(`Cannot ${janus}: the handle was detached`));
    return this.owner.requestForHandle(this.id, janus, fields, awaitEvent);
  }
}

export function toPluginResponse(message: JanusMessage, plugin: string): PluginResponse {
  const response: PluginResponse = {
    plugin: message.plugindata?.plugin ?? plugin,
    data: message.plugindata?.data ?? {},
    message,
  };
  if (message.jsep) response.jsep = message.jsep;
  return response;
}

function requirePlainObject(value: unknown, what: string): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidArgumentError(`${what} must be an object`);
  }
}

const JSEP_TYPES = new Set(['offer', 'answer', 'pranswer', 'rollback']);

function requireJsep(jsep: unknown): void {
  requirePlainObject(jsep, 'jsep');
  const { type, sdp } = jsep as { type?: unknown; sdp?: unknown };
  if (typeof type !== 'string' || !JSEP_TYPES.has(type)) {
    throw new InvalidArgumentError('jsep.type must be "offer", "answer", "pranswer" or "rollback"');
  }
  if (sdp !== undefined && typeof sdp !== 'string') throw new InvalidArgumentError('jsep.sdp must be a string');
}

/** What `message()` checks before any I/O (exported so callers across a boundary check first too). */
export function checkMessage(body: unknown, jsep?: unknown): void {
  requirePlainObject(body, 'message body');
  if (jsep !== undefined) requireJsep(jsep);
}

export function checkCandidates(candidate: unknown): void {
  if (candidate === null) return;
  for (const one of Array.isArray(candidate) ? candidate : [candidate]) requirePlainObject(one, 'candidate');
}
