// janus.js's registry of sessions, in both of its shapes: the adapter marks each registered
// session to skip janus.js's unload destroy (that would end the shared session), and the registry
// still works as janus.js uses it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { keepSessionOnUnload, type JanusGlobal } from '../src/janusjs/use-keeper.js';

const janusGlobal = (sessions: JanusGlobal['sessions']) =>
  ({ init() {}, useDefaultDependencies: () => ({}) as never, sessions }) as JanusGlobal;

describe('janus.js sessions registry under the adapter', () => {
  it('a Map (janus.js 1.2+, npm janus-gateway 1.4): set still works, the session skips the unload destroy', () => {
    const Janus = janusGlobal(new Map());
    keepSessionOnUnload(Janus);
    const session = { destroyOnUnload: true };
    (Janus.sessions as Map<unknown, unknown>).set(1, session);
    assert.equal((Janus.sessions as Map<unknown, unknown>).get(1), session);
    assert.equal(session.destroyOnUnload, false);
  });

  it('a plain object (janus.js 1.1, Debian): the same', () => {
    const Janus = janusGlobal({});
    keepSessionOnUnload(Janus);
    const session = { destroyOnUnload: true };
    (Janus.sessions as Record<string, unknown>)['1'] = session;
    assert.equal((Janus.sessions as Record<string, unknown>)['1'], session);
    assert.equal(session.destroyOnUnload, false);
  });
});
