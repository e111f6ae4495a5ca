// Counts the Janus API requests that clients send through a fault proxy: it reads the client ->
// Janus byte stream of each WebSocket connection (the HTTP upgrade, then RFC 6455 frames, masked
// as clients must), unmasks every text message, parses its JSON and tallies it by its `janus`
// field ("create", "claim", "keepalive", "attach", "message", ...). Nothing is changed or logged:
// only the request type and a timestamp are kept (ids and tokens are read past, never stored).
import { startFaultProxy, type FaultProxy } from '../e2e/fixtures/fault-proxy.js';

export interface RequestRecord {
  at: number;
  janus: string;
}

export interface MeteredProxy {
  proxy: FaultProxy;
  /** Every request seen so far, in order (performance.now() time stamps). */
  readonly requests: readonly RequestRecord[];
  /** When each connection sent its first bytes (its HTTP upgrade request), performance.now(). */
  readonly connectionsOpened: readonly number[];
  /** Requests seen since `from` (performance.now()), by type, plus `total`. */
  countSince(from: number, until?: number): Record<string, number>;
}

/** `delayMs`: the link's one-way delay (each way, TCP handshake round trip included). */
export async function startMeteredProxy(targetPort: number, delayMs = 0): Promise<MeteredProxy> {
  const requests: RequestRecord[] = [];
  const connectionsOpened: number[] = [];
  const parsers = new Map<number, WebSocketUpstreamParser>();
  const proxy = await startFaultProxy(targetPort, '127.0.0.1', {
    emulateHandshake: true,
    tap(connection, direction, chunk) {
      if (direction !== 'up') return;
      if (chunk === null) {
        parsers.delete(connection);
        return;
      }
      let parser = parsers.get(connection);
      if (!parser) connectionsOpened.push(performance.now());
      if (!parser) parsers.set(connection, (parser = new WebSocketUpstreamParser((text) => {
        let janus = 'unparsable';
        try {
          const message = JSON.parse(text) as { janus?: unknown };
          janus = typeof message.janus === 'string' ? message.janus : 'no-janus-field';
        } catch {
          // counted as unparsable
        }
        requests.push({ at: performance.now(), janus });
      })));
      parser.push(chunk);
    },
  });
  proxy.setLatency(delayMs);
  return {
    proxy,
    requests,
    connectionsOpened,
    countSince(from, until = Infinity) {
      const counts: Record<string, number> = { total: 0 };
      for (const { at, janus } of requests) {
        if (at < from || at > until) continue;
        counts[janus] = (counts[janus] ?? 0) + 1;
        counts['total']!++;
      }
      return counts;
    },
  };
}

/** Client -> server half of one WebSocket connection: HTTP upgrade request, then frames. */
export class WebSocketUpstreamParser {
  #buffer: Buffer = Buffer.alloc(0);
  #upgraded = false;
  #fragments: Buffer[] = [];
  #fragmentedText = false;

  constructor(private readonly onText: (text: string) => void) {}

  push(chunk: Buffer): void {
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    if (!this.#upgraded) {
      const end = this.#buffer.indexOf('\r\n\r\n');
      if (end < 0) return;
      this.#upgraded = true;
      this.#buffer = this.#buffer.subarray(end + 4);
    }
    while (this.#frame()) { /* one frame per turn */ }
  }

  /** Consumes one complete frame if the buffer holds one. */
  #frame(): boolean {
    const frame = nextFrame(this.#buffer);
    if (!frame) return false;
    const { fin, opcode, payload } = frame;
    this.#buffer = this.#buffer.subarray(frame.size);
    if (opcode === 0x1 || (opcode === 0x0 && this.#fragmentedText)) {
      this.#fragments.push(payload);
      this.#fragmentedText = !fin;
      if (fin) {
        this.onText(Buffer.concat(this.#fragments).toString('utf8'));
        this.#fragments = [];
      }
    }
    return true;
  }
}

/** One complete WebSocket frame at the start of `data` (unmasked), or undefined while it is incomplete. */
export function nextFrame(data: Buffer): { fin: boolean; opcode: number; payload: Buffer; size: number } | undefined {
  if (data.length < 2) return undefined;
  const fin = (data[0]! & 0x80) !== 0;
  const opcode = data[0]! & 0x0f;
  const masked = (data[1]! & 0x80) !== 0;
  let length = data[1]! & 0x7f;
  let offset = 2;
  if (length === 126) {
    if (data.length < 4) return undefined;
    length = data.readUInt16BE(2);
    offset = 4;
  } else if (length === 127) {
    if (data.length < 10) return undefined;
    length = Number(data.readBigUInt64BE(2));
    offset = 10;
  }
  const maskAt = offset;
  if (masked) offset += 4;
  if (data.length < offset + length) return undefined;
  const payload = Buffer.from(data.subarray(offset, offset + length));
  if (masked) for (let i = 0; i < payload.length; i++) payload[i] = payload[i]! ^ data[maskAt + (i % 4)]!;
  return { fin, opcode, payload, size: offset + length };
}
