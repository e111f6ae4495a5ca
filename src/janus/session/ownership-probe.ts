// Whether Janus still sends a session's events to this link. Janus tells a link nothing when
// another client claims its session (its keepalives still get acks), but it sends every event to
// the link that claimed last: attach a throwaway handle, detach it, and see whether its `detached`
// event comes back here. Both requests answered and no event within the deadline: claimed elsewhere.
import type { Clock } from '../clock.js';
import type { JanusSession } from './session.js';

/** Whether this link still owns its session: a throwaway handle's `detached` event comes back only to the session's last claimer. */
export async function ownsSession(session: JanusSession, plugin: string, timeoutMs: number, clock: Clock): Promise<boolean> {
  const handle = await session.attach(plugin);
  let settle: (owned: boolean) => void = () => {};
  const seen = new Promise<boolean>((resolve) => (settle = resolve));
  const offHandle = handle.on('detached', (frame) => frame && settle(true)); // the event came before the answer
  const offSession = session.on('event', (frame) => {
    if (frame.janus === 'detached' && frame.sender === handle.id) settle(true);
  });
  let timer: unknown;
  try {
    await handle.detach();
    timer = clock.setTimeout(() => settle(false), timeoutMs);
    return await seen;
  } finally {
    clock.clearTimeout(timer);
    offHandle();
    offSession();
  }
}
