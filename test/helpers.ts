import { after, before } from 'node:test';
import WebSocket from 'ws';
import { startJanus, type JanusLaunchOptions, type RunningJanus } from '../e2e/fixtures/janus-launcher.js';
import type { JanusSessionOptions, TransportKind, WebSocketConstructor } from '../src/janus/index.js';

export const TRANSPORTS: TransportKind[] = ['ws', 'http'];

/** Starts one real Janus for the enclosing suite and stops it afterwards. */
export function useJanus(options: JanusLaunchOptions = {}): () => RunningJanus {
  let janus: RunningJanus | undefined;
  before(async () => {
    janus = await startJanus(options);
  });
  after(async () => {
    await janus?.stop();
  });
  return () => {
    if (!janus) throw new Error('Janus is not running yet');
    return janus;
  };
}

export function serverUrl(janus: RunningJanus, kind: TransportKind): string {
  return kind === 'ws' ? janus.wsUrl : janus.httpUrl;
}

/** Session options for Node: the `ws` package as WebSocket, a quiet logger that remembers. */
export function nodeOptions(server: string, extra: Partial<JanusSessionOptions> = {}): JanusSessionOptions {
  return { server, WebSocket: WebSocket as unknown as WebSocketConstructor, logger: quietLogger(), ...extra };
}

export function quietLogger(): { warn(message: string): void; warnings: string[] } {
  const warnings: string[] = [];
  return { warn: (message: string) => void warnings.push(message), warnings };
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 20_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** A free TCP port on loopback with nothing listening on it. */
export { freePort as unusedPort } from '../e2e/fixtures/janus-launcher.js';
