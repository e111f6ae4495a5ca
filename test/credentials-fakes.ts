// Fakes and helpers shared by the units of `Credentials` and `sendAuthorized`
// (test/credentials.test.ts, test/credentials-refusals.test.ts): tokens, a scripted provider, a FAKE
// transport with scripted answers (a real Janus does not give a 403 then a success on demand), and
// the check that no message carries a token.
import assert from 'node:assert/strict';
import type { Credentials, CredentialsEvents, TokenProvider, Transport } from '../src/janus/index.js';
import type { JanusMessage, JanusRequest } from '../src/janus/protocol.js';

/** A signed Janus token that expires at `expiresAtMs` (Janus counts whole seconds). */
export const signed = (expiresAtMs: number, signature = 'sig') =>
  `${Math.floor(expiresAtMs / 1000)},janus,janus.plugin.echotest:${signature}`;

/** Lets pending promise callbacks run (no time passes on any clock). */
export const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Whether `promise` has settled yet, without waiting for it. */
export function track(promise: Promise<unknown>): { settled: boolean } {
  const state = { settled: false };
  promise.then(() => { state.settled = true; }, () => { state.settled = true; });
  return state;
}

/** The events `credentials` emits, in order. */
export function record(credentials: Credentials) {
  const renewed: CredentialsEvents['renewed'][] = [];
  const failed: CredentialsEvents['failed'][] = [];
  credentials.on('renewed', (detail) => renewed.push(detail));
  credentials.on('failed', (detail) => failed.push(detail));
  return { renewed, failed };
}

/** What a settled promise rejected with (fails when it resolved). */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  assert.fail('expected a rejection');
}

/** A provider that plays `script` in order: a string (or any value) is returned, an Error thrown. */
export function scripted(script: unknown[]): TokenProvider {
  return (() => {
    const next = script.shift();
    if (next instanceof Error) throw next;
    return next;
  }) as TokenProvider;
}

/** A fake transport: records what is sent and answers from `answers`, in order. */
export function fakeTransport(answers: JanusMessage[]) {
  const sent: { request: JanusRequest; timeoutMs: number }[] = [];
  const transport = {
    kind: 'ws',
    isClosed: false,
    send(request: JanusRequest, timeoutMs: number): Promise<JanusMessage> {
      sent.push({ request: structuredClone(request), timeoutMs });
      const answer = answers.shift();
      if (!answer) return Promise.reject(new Error('fake transport: no scripted answer left'));
      return Promise.resolve({ ...answer, transaction: request.transaction });
    },
  };
  return { transport: transport as unknown as Transport, sent };
}

export const FORBIDDEN: JanusMessage = { janus: 'error', error: { code: 403, reason: 'Unauthorized request (wrong or missing secret/token)' } };
export const SUCCESS: JanusMessage = { janus: 'success', data: { id: 7 } };

/** Every text an error or an event carries that could leak: message, stack, reason, the JSON of a detail. */
export function textsOf(thing: unknown): string[] {
  if (thing instanceof Error) {
    const texts = [thing.message, String(thing.stack), String(thing)];
    const reason = (thing as { reason?: unknown }).reason;
    if (typeof reason === 'string') texts.push(reason);
    return texts;
  }
  return [JSON.stringify(thing)];
}

export function assertNoToken(things: unknown[], ...tokens: string[]): void {
  for (const thing of things) {
    for (const text of textsOf(thing)) {
      for (const token of tokens) assert.ok(!text.includes(token), `a message carries the token: ${text}`);
    }
  }
}

export function rejectionOf(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  assert.fail('expected a throw');
}
