import type { TabEvent } from '../../bridge/api.js';

export const DEFAULT_HELD_PER_TAB = 256;

/**
 * Events for tabs that have no page right now (a reload within the grace period), kept in order
 * up to `limit` per tab; past it the oldest go and are counted.
 */
export class HeldEvents {
  readonly #held = new Map<string, { events: TabEvent[]; dropped: number }>();

  constructor(private readonly limit = DEFAULT_HELD_PER_TAB) {}

  hold(tabId: string, event: TabEvent): void {
    if (event.type === 'state') return; // a page gets the current state on hello
    let entry = this.#held.get(tabId);
    if (!entry) this.#held.set(tabId, entry = { events: [], dropped: 0 });
    entry.events.push(event);
    if (entry.events.length > this.limit) {
      entry.events.shift();
      entry.dropped++;
    }
  }

  /** What `tabId` missed, in order, led by an `events-dropped` when the bound was hit; then forgets it. */
  take(tabId: string): TabEvent[] {
    const entry = this.#held.get(tabId);
    this.#held.delete(tabId);
    if (!entry) return [];
    return entry.dropped > 0 ? [{ type: 'events-dropped', count: entry.dropped }, ...entry.events] : entry.events;
  }

  forget(tabId: string): void {
    this.#held.delete(tabId);
  }
}
