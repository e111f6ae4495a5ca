import { InvalidArgumentError, JanusError, PluginError } from './errors.js';

/**
 * A JSEP offer/answer as WebRTC produces it: the browser's `RTCSessionDescriptionInit` (e.g.
 * `pc.localDescription`, `await pc.createOffer()`) is one, and one from Janus can be handed to
 * `setRemoteDescription`. No index signature, so that those DOM interfaces are assignable.
 */
export interface Jsep {
  type: 'offer' | 'answer' | 'pranswer' | 'rollback';
  sdp?: string;
  /** Janus: the media are end-to-end encrypted (insertable streams). */
  e2ee?: boolean;
}

/** What the session layer hands to a transport: the body plus where it goes. */
export interface JanusRequest {
  janus: string;
  transaction: string;
  session_id?: number;
  handle_id?: number;
  token?: string;
  apisecret?: string;
  [key: string]: unknown;
}

/** Any frame Janus sends (a response, an ack or an event). */
export interface JanusMessage {
  janus: string;
  transaction?: string;
  session_id?: number;
  sender?: number;
  data?: { id?: number; [key: string]: unknown };
  error?: { code: number; reason: string };
  plugindata?: { plugin: string; data: Record<string, unknown> };
  jsep?: Jsep;
  [key: string]: unknown;
}

/** Frames that answer a request: the transport matches these to pending transactions. */
const RESPONSE_TYPES = new Set(['success', 'error', 'ack', 'server_info']);

export function isResponse(message: JanusMessage): boolean {
  return RESPONSE_TYPES.has(message.janus);
}

let transactionCounter = 0;
const transactionPrefix = Math.random().toString(36).slice(2, 8);

export function newTransaction(): string {
  transactionCounter = (transactionCounter + 1) % Number.MAX_SAFE_INTEGER;
  return `${transactionPrefix}-${transactionCounter.toString(36)}`;
}

/** Janus ids are random 53-bit numbers; they are credentials, so reasons never carry them. */
export function redactIds(text: string): string {
  return text.replace(/\b\d{6,}\b/g, '<id>');
}

export function janusErrorOf(message: JanusMessage): JanusError {
  const code = typeof message.error?.code === 'number' ? message.error.code : 490;
  const reason = typeof message.error?.reason === 'string' ? message.error.reason : 'unknown error';
  return new JanusError(code, redactIds(reason));
}

/**
 * A plugin answers errors inside its data (`{ error_code, error }`), not as a Janus error.
 * Returns that as a PluginError (with the whole data), or undefined when the data is not an error.
 */
export function pluginErrorOf(message: JanusMessage, plugin: string): PluginError | undefined {
  const data = message.plugindata?.data;
  if (!data || (data['error'] === undefined && data['error_code'] === undefined)) return undefined;
  const code = typeof data['error_code'] === 'number' ? data['error_code'] : 490;
  const reason = typeof data['error'] === 'string' ? data['error'] : 'plugin error';
  return new PluginError(code, redactIds(reason), data, message.plugindata?.plugin ?? plugin,
    message.janus === 'event' ? 'event' : 'success');
}

/** True for a positive integer that Janus could have issued (ids are below 2^53). */
export function isJanusId(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0;
}

/** Says what is wrong with a would-be id without echoing the value (it may be a credential). */
export function describeBadId(value: unknown): string {
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'NaN';
    if (!Number.isFinite(value)) return 'not finite';
    if (!Number.isInteger(value)) return 'not an integer';
    if (value <= 0) return 'not positive';
    return 'larger than 2^53 - 1';
  }
  return value === null ? 'null' : `a ${typeof value}, not a number`;
}

/** Returns `value` if it is a Janus id (a positive safe integer); otherwise throws `InvalidArgumentError` naming `what`. */
export function requireId(value: unknown, what: string): number {
  if (!isJanusId(value)) {
    throw new InvalidArgumentError(`${what} must be a positive safe integer (got ${describeBadId(value)})`);
  }
  return value;
}

/** Returns `value` if it is a non-empty string; otherwise throws `InvalidArgumentError` naming `what`. */
export function requireNonEmptyString(value: unknown, what: string): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new InvalidArgumentError(`${what} must be a non-empty string`);
  }
  return value;
}

export function parseFrame(text: string): JanusMessage | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  return isMessage(value) ? value : undefined;
}

export function isMessage(value: unknown): value is JanusMessage {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    typeof (value as { janus?: unknown }).janus === 'string'
  );
}
