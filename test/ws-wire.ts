// What goes over a WebSocket through the fault proxy, as Janus frames in the order the proxy read
// them: `up` when the client sent it (the proxy reads it at once), `down` when Janus sent it (the
// proxy sits next to Janus), before the proxy's link delay. Decodes WebSocket frames from the
// proxy's tap (masked client frames included); pass a client without permessage-deflate.
import WebSocket from 'ws';
import type { WebSocketConstructor } from '../src/janus/index.js';
import { nextFrame } from '../bench/janus-meter.js';

export interface WireFrame {
  connection: number;
  direction: 'up' | 'down';
  janus: string;
  transaction?: string;
  at: number;
}

/** The `ws` client without compression, so that the frames on the wire can be read. */
export const PlainWebSocket = class extends WebSocket {
  constructor(url: string, protocols?: string | string[]) {
    super(url, protocols, { perMessageDeflate: false });
  }
} as unknown as WebSocketConstructor;

export class WireLog {
  readonly frames: WireFrame[] = [];
  readonly #buffers = new Map<string, { data: Buffer; upgraded: boolean; fragments?: Buffer[] }>();

  /** The proxy's `tap`. */
  readonly tap = (connection: number, direction: 'up' | 'down', chunk: Buffer | null): void => {
    const key = `${connection}${direction}`;
    if (chunk === null) {
      this.#buffers.delete(key);
      return;
    }
    const at = performance.now();
    const state = this.#buffers.get(key) ?? { data: Buffer.alloc(0), upgraded: false };
    this.#buffers.set(key, state);
    state.data = Buffer.concat([state.data, chunk]);
    if (!state.upgraded) {
      const end = state.data.indexOf('\r\n\r\n');
      if (end < 0) return;
      state.data = state.data.subarray(end + 4);
      state.upgraded = true;
    }
    for (;;) {
      const frame = nextFrame(state.data);
      if (!frame) return;
      state.data = state.data.subarray(frame.size);
      // A text message may come in fragments: a text frame without FIN, then continuations.
      if (frame.opcode === 1) state.fragments = [];
      else if (frame.opcode !== 0 || !state.fragments) continue;
      state.fragments.push(frame.payload);
      if (!frame.fin) continue;
      const text = Buffer.concat(state.fragments).toString('utf8');
      state.fragments = undefined;
      try {
        const message = JSON.parse(text) as { janus?: unknown; transaction?: unknown };
        if (typeof message.janus !== 'string') continue;
        this.frames.push({ connection, direction, janus: message.janus, at,
          ...(typeof message.transaction === 'string' ? { transaction: message.transaction } : {}) });
      } catch {
        // not JSON: not a Janus frame
      }
    }
  };

  /** The first frame that matches, from index `from`. */
  find(match: (frame: WireFrame) => boolean, from = 0): WireFrame | undefined {
    return this.frames.slice(from).find(match);
  }

  /**
   * The link of the first claim sent from index `from`: its frames as `> request` / `< answer`, the
   * index there of the claim's answer, and of the first request of a kind (-1: none).
   */
  claimLink(from = 0): { order: string[]; claimAnswer: number; firstSent(janus: string): number } | undefined {
    const claim = this.find((frame) => frame.direction === 'up' && frame.janus === 'claim', from);
    if (!claim) return undefined;
    const onLink = this.frames.filter((frame, index) => index >= from && frame.connection === claim.connection);
    return {
      order: onLink.map((frame) => `${frame.direction === 'up' ? '>' : '<'} ${frame.janus}`),
      claimAnswer: onLink.findIndex((frame) => frame.direction === 'down' && frame.transaction === claim.transaction),
      firstSent: (janus) => onLink.findIndex((frame) => frame.direction === 'up' && frame.janus === janus),
    };
  }

  /** Index of the first frame that matches (-1: none). */
  indexOf(match: (frame: WireFrame) => boolean, from = 0): number {
    const index = this.frames.slice(from).findIndex(match);
    return index < 0 ? -1 : index + from;
  }
}
