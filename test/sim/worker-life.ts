// One keeper worker's life in the simulation: its timers, its store and its links, all of which
// die with it. A killed worker runs nothing again (its timers are cleared, its store calls never
// settle, its sockets are gone), as when the browser kills a SharedWorker; a new one starts on the
// same store (IndexedDB outlives the worker) and the same network.
import type { Clock } from '../../src/janus/index.js';
import type { SessionStore, StoredSession } from '../../src/worker/record/store.js';
import type { SimClock } from './sim-clock.js';

export class WorkerLife {
  dead = false;
  readonly #timers = new Set<unknown>();

  constructor(private readonly sim: SimClock) {}

  /** The worker's clock: the simulation's time, with timers that die with the worker. */
  readonly clock: Clock = {
    now: () => this.sim.now(),
    setTimeout: (callback: () => void, ms: number) => {
      if (this.dead) return -1;
      const id: unknown = this.sim.setTimeout(() => {
        this.#timers.delete(id);
        if (!this.dead) callback();
      }, ms);
      this.#timers.add(id);
      return id;
    },
    clearTimeout: (timer: unknown) => {
      this.#timers.delete(timer);
      this.sim.clearTimeout(timer);
    },
  };

  /** The worker's view of the shared store: nothing it asks settles once it is dead. */
  storeOf(store: SessionStore): SessionStore {
    const alive = <T>(run: () => Promise<T>): Promise<T> => (this.dead ? new Promise<T>(() => {}) : run());
    return {
      load: (server: string) => alive(() => store.load(server)),
      save: (record: StoredSession) => alive(() => store.save(record)),
      clear: (server: string) => alive(() => store.clear(server)),
    };
  }

  kill(): void {
    this.dead = true;
    for (const timer of this.#timers) this.sim.clearTimeout(timer);
    this.#timers.clear();
  }
}
