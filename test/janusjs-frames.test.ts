// The janus.js adapter's frames (src/janusjs/frames.ts) against a real Janus through a real
// keeper: the plugin frames janus.js gets are the ones Janus sent the keeper, in Janus's order
// (a publisher join's ack and event come either way round), janus.js keepalives stay in the page,
// and `destroy` ends this janus.js session's handles only, never the shared session.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import WebSocket from 'ws';
import type { HandleEvent } from '../src/bridge/api.js';
import type { WebSocketConstructor } from '../src/janus/index.js';
import { FrameSession, type Frame } from '../src/janusjs/frames.js';
import { Keeper } from '../src/worker/keeper.js';
import { memoryStore } from '../src/worker/record/store.js';
import { quietLogger, useJanus, waitFor } from './helpers.js';
import { keeperForFrames } from './keeper-frames.js';

const ROOM = 1234;
const JOIN = { request: 'join', room: ROOM, ptype: 'publisher', display: 'frames' };

/**
 * The keeper's WebSocket to Janus, dispatching one frame per task as browsers do (the `ws`
 * package's default runs a TCP chunk's frames back to back), and keeping what crossed it.
 */
function tappedWebSocket(wire: { sent: Frame[]; received: Frame[] }): WebSocketConstructor {
  return class extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols, { allowSynchronousEvents: false });
      this.addEventListener('message', (event) => void wire.received.push(JSON.parse(String(event.data)) as Frame));
    }

    override send(data: string): void {
      wire.sent.push(JSON.parse(data) as Frame);
      super.send(data);
    }
  } as unknown as WebSocketConstructor;
}

/** The same steps through a FrameSession on a keeper (one tab). */
async function keeperFrames(keeper: Keeper, steps: (send: (frame: Frame) => Promise<Frame>) => Promise<void>) {
  const calls = keeperForFrames(keeper, 'tab');
  const frames: Frame[] = [];
  const waiting = new Map<unknown, (frame: Frame) => void>();
  const session = new FrameSession(async () => calls, (frame) => {
    frames.push(frame);
    if (frame.janus !== 'event') waiting.get(frame['transaction'])?.(frame);
  });
  const off = keeper.on('event', ({ type, owner, ...event }) => session.event(event as HandleEvent));
  let counter = 0;
  await steps((frame) => new Promise((resolve) => {
    const transaction = `t${++counter}`;
    waiting.set(transaction, resolve);
    void session.request({ ...frame, transaction });
  }));
  return { frames, session, off };
}

/** A frame's shape as janus.js reads it: its kind, and the plugin event's kind. */
const shape = (frame: Frame) => {
  const data = (frame['plugindata'] as { data?: Record<string, unknown> } | undefined)?.data;
  return data ? `${frame.janus}:${String(data['videoroom'] ?? data['streaming'] ?? data['result'])}` : frame.janus;
};

/** The plugin traffic of a frame list: answers to `message` requests and plugin events, as janus.js reads them. */
function pluginTraffic(frames: Frame[], messageTransactions: Set<unknown>): string[] {
  return frames.filter((frame) => frame.janus === 'event' || messageTransactions.has(frame['transaction'])).map(shape);
}

describe('janus.js frames through the keeper against a real Janus', () => {
  const janus = useJanus();

  it('are the plugin frames Janus sent the keeper, in its order (videoroom join, streaming list, error 426)', async () => {
    const steps = async (send: (frame: Frame) => Promise<Frame>) => {
      await send({ janus: 'create' });
      const room = await send({ janus: 'attach', plugin: 'janus.plugin.videoroom' });
      const roomId = (room['data'] as { id: number }).id;
      await send({ janus: 'message', handle_id: roomId, body: JOIN });
      await send({ janus: 'keepalive' });
      const streaming = await send({ janus: 'attach', plugin: 'janus.plugin.streaming' });
      await send({ janus: 'message', handle_id: (streaming['data'] as { id: number }).id, body: { request: 'list' } });
      const other = await send({ janus: 'attach', plugin: 'janus.plugin.videoroom' });
      await send({ janus: 'message', handle_id: (other['data'] as { id: number }).id,
        body: { request: 'join', room: 987_654_321, ptype: 'publisher' } });
    };
    const wire = { sent: [] as Frame[], received: [] as Frame[] };
    // The keeper's own keepalives come every 10 minutes here: any keepalive on the wire would be janus.js's.
    const keeper = new Keeper({ config: { server: janus().wsUrl, keepAliveMs: 600_000 }, store: memoryStore(), liveness: () => {},
      logger: quietLogger(), WebSocket: tappedWebSocket(wire) });
    keeper.tabs.add('tab', 'lock', { postMessage() {}, close() {} } as unknown as MessagePort);
    try {
      const { frames, session, off } = await keeperFrames(keeper, steps);
      after(off);
      await waitFor('the 426 event', () => frames.some((frame) => shape(frame) === 'event:event') || undefined);
      const sentMessages = new Set(wire.sent.filter((frame) => frame.janus === 'message').map((frame) => frame['transaction']));
      const pageMessages = new Set(['t3', 't6', 't8']);
      const seen = pluginTraffic(frames, pageMessages);
      assert.deepEqual(seen, pluginTraffic(wire.received, sentMessages));
      assert.ok(seen.includes('event:joined') && seen.includes('success:list'), seen.join(' '));
      assert.equal(frames.find((frame) => frame['transaction'] === 't4')?.janus, 'ack', 'janus.js\'s keepalive is answered');
      assert.equal(wire.sent.filter((frame) => frame.janus === 'keepalive').length, 0, 'janus.js keepalives stay in the page');
      const joined = frames.find((frame) => shape(frame) === 'event:joined')!;
      assert.deepEqual(Object.keys(joined).sort(), ['janus', 'plugindata', 'sender', 'session_id']);
      const error = frames.find((frame) => shape(frame) === 'event:event')!;
      assert.equal((error['plugindata'] as { data: Record<string, unknown> }).data['error_code'], 426);
      // destroy ends this janus.js session's handles; the keeper's session lives on.
      await session.request({ janus: 'destroy', transaction: 'end' });
      assert.equal(frames.at(-1)?.janus, 'success');
      const sessionId = keeper.snapshot().sessionId!;
      assert.deepEqual(await janus().listSessions(), [sessionId]);
      assert.deepEqual(await janus().listHandles(sessionId), []);
    } finally {
      await keeper.destroy();
    }
  });
});
