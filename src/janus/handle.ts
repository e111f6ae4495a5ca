import { DestroyedError, InvalidArgumentError } from './errors.js';
import { Emitter } from './emitter.js';
import { pluginErrorOf, type JanusMessage, type Jsep } from './protocol.js';

/**
 * How Janus answered a request: a synchronous `success` with the plugin's data (e.g. streaming
 * `list`), the asynchronous `event` that followed an `ack` (most requests), or only the `ack` (with
 * `awaitEvent: false`: the event then comes as the handle's `event`, in order with the others).
 */
export type AnswerKind = 'success' | 'event' | 'ack';

/** Options of a message: `awaitEvent: false` resolves on Janus's ack instead of the event after it. */
export interface MessageOptions {
  /**
   * Default true: after an ack, `message()` waits for the event carrying its transaction and
   * resolves with it. False: it resolves at the ack (`answer: 'ack'`, empty data) and the event is
   * emitted as `event`, in the order Janus sent it with the handle's other events.
   */
  awaitEvent?: boolean;
}

/** What a plugin answered: its data, and the JSEP when it sent one. */
export interface PluginResponse {
  answer: AnswerKind;
  plugin: string;
  data: Record<string, unknown>;
  jsep?: Jsep;
  /** The whole Janus frame. */
  message: JanusMessage;
}

/** The events of a {@link PluginHandle}: `event`, `webrtcup`, `media`, `slowlink`, `hangup`, `trickle`, `detached`. */
export interface HandleEvents {
  /** A plugin event not consumed as the answer of `message()` (`answer` is `event`). */
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
   * first, with the event tied to this transaction (or at the ack: see `MessageOptions`). A
   * plugin error in the answer rejects as `PluginError` (with the plugin's whole data); core
   * errors reject as `JanusError`.
   */
  async message(body: Record<string, unknown>, jsep?: Jsep, options: MessageOptions = {}): Promise<PluginResponse> {
    checkMessage(body, jsep, options);
    const fields: Record<string, unknown> = { body };
    if (jsep) fields['jsep'] = jsep;
    const answer = await this.#request('message', fields, options.awaitEvent !== false);
    const error = pluginErrorOf(answer, this.plugin);
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
    answer: message.janus === 'success' ? 'success' : message.janus === 'ack' ? 'ack' : 'event',
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
export function checkMessage(body: unknown, jsep?: unknown, options?: unknown): void {
  requirePlainObject(body, 'message body');
  if (jsep !== undefined) requireJsep(jsep);
  if (options === undefined) return;
  requirePlainObject(options, 'message options');
  const { awaitEvent } = options as MessageOptions;
  if (awaitEvent !== undefined && typeof awaitEvent !== 'boolean') throw new InvalidArgumentError('awaitEvent must be a boolean');
}

/** Throws `InvalidArgumentError` unless `candidate` is `null` (end of candidates), an object, or a list of objects. */
export function checkCandidates(candidate: unknown): void {
  if (candidate === null) return;
  for (const one of Array.isArray(candidate) ? candidate : [candidate]) requirePlainObject(one, 'candidate');
}
