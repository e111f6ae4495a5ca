// Janus handle frames -> the events a tab gets. Pure: no keeper state, testable alone.
import type { HandleEvent, WebRtcState } from '../../bridge/api.js';
import type { JanusMessage, PluginHandle, PluginResponse, TrickleCandidate } from '../../janus/index.js';

/** The PluginHandle events that carry a Janus frame for the page. */
export const HANDLE_EVENT_TYPES = ['event', 'webrtcup', 'media', 'slowlink', 'hangup', 'trickle'] as const;
export type HandleEventType = (typeof HANDLE_EVENT_TYPES)[number];

/** Frame fields that are routing or credentials (session_id), never page data. */
const ENVELOPE = new Set(['janus', 'session_id', 'sender', 'transaction', 'plugindata', 'jsep', 'type']);

/**
 * The tab's view of one Janus frame for a handle, with every field Janus sent but the envelope;
 * undefined for a frame that is not a handle event.
 */
export function toHandleEvent(frame: JanusMessage, handle: { id: number; plugin: string }): HandleEvent | undefined {
  const pluginData: unknown = frame.plugindata;
  const { plugin, data } = isObject(pluginData) ? pluginData : {};
  const base = { handleId: handle.id, plugin: typeof plugin === 'string' ? plugin : handle.plugin };
  const rest: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(frame)) if (!ENVELOPE.has(key)) rest[key] = value;
  switch (frame.janus) {
    case 'event': {
      const event: HandleEvent = { ...rest, ...base, janus: 'event', data: isObject(data) ? data : {} };
      if (isObject(frame.jsep)) event.jsep = frame.jsep;
      return event;
    }
    case 'webrtcup':
      return { ...rest, ...base, janus: 'webrtcup' };
    case 'media':
      return { ...rest, ...base, janus: 'media', media: String(frame['type'] ?? ''), receiving: frame['receiving'] === true };
    case 'slowlink':
      return { ...rest, ...base, janus: 'slowlink', uplink: frame['uplink'] === true,
        lost: typeof frame['lost'] === 'number' ? frame['lost'] : 0 };
    case 'hangup':
      return { ...rest, ...base, janus: 'hangup', reason: typeof frame['reason'] === 'string' ? frame['reason'] : '' };
    case 'trickle': {
      const candidate = frame['candidate'];
      if (!isObject(candidate)) return undefined;
      return { ...rest, ...base, janus: 'trickle', candidate: candidate as TrickleCandidate };
    }
    default:
      return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A handle's WebRTC state after `event`. */
export function webrtcAfter(state: WebRtcState, event: HandleEvent): WebRtcState {
  if (event.janus === 'webrtcup') return 'up';
  if (event.janus === 'hangup') return 'hungup';
  return state;
}

/** Subscribes to every page-bound event of `handle`; returns the unsubscribe. */
export function onHandleEvents(
  handle: PluginHandle,
  listener: (event: HandleEvent) => void,
): () => void {
  const offs = HANDLE_EVENT_TYPES.map((type) => handle.on(type, (detail: PluginResponse | JanusMessage) => {
    const frame = type === 'event' ? (detail as PluginResponse).message : (detail as JanusMessage);
    const event = toHandleEvent(frame, handle);
    if (event) listener(event);
  }));
  return () => offs.forEach((off) => off());
}
