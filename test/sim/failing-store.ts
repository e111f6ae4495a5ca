// A session store that fails on command: load, save and clear reject while their switch is on,
// and `failNextOpen` makes the next call of any kind reject once (IndexedDB blocked at open).
// It remembers what was written, for the invariants.
import { memoryStore, type SessionStore, type StoredSession } from '../../src/worker/record/store.js';

export class FailingStore implements SessionStore {
  readonly #inner = memoryStore();
  failLoad = false;
  failSave = false;
  failClear = false;
  failNextOpen = false;
  /** Called after each successful write (record: a save; undefined: a clear). */
  onWrite: (record: StoredSession | undefined) => void = () => {};
  /** The record as last written (what a new worker would find). */
  current: StoredSession | undefined;

  /** Called with each record a load returns (the keeper may adopt its handles, and report them lost). */
  onLoad: (record: StoredSession) => void = () => {};
  /** Loads that failed so far (a keeper that cannot read the record cannot claim it). */
  loadFailures = 0;

  async load(server: string): Promise<StoredSession | undefined> {
    try {
      this.#maybeFail(this.failLoad, 'load');
    } catch (error) {
      this.loadFailures++;
      throw error;
    }
    const record = await this.#inner.load(server);
    if (record) this.onLoad(record);
    return record;
  }

  /** A write failed since the last one that went through: the stored record may be stale. */
  staleSinceWrite = false;

  async save(record: StoredSession): Promise<void> {
    try {
      this.#maybeFail(this.failSave, 'save');
    } catch (error) {
      this.staleSinceWrite = true;
      throw error;
    }
    this.staleSinceWrite = false;
    await this.#inner.save(record);
    this.current = structuredClone(record);
    this.onWrite(record);
  }

  async clear(server: string): Promise<void> {
    this.#maybeFail(this.failClear, 'clear');
    await this.#inner.clear(server);
    this.current = undefined;
    this.onWrite(undefined);
  }

  #maybeFail(on: boolean, what: string): void {
    if (this.failNextOpen) {
      this.failNextOpen = false;
      throw new DOMException(`the database could not be opened (${what})`, 'UnknownError');
    }
    if (on) throw new DOMException(`${what} failed: quota exceeded`, 'QuotaExceededError');
  }
}
