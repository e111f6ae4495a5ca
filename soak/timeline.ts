// What happened, in order: faults, tab actions, what tabs logged. A violation prints the part that
// led to it. Session ids are credentials: they appear only as aliases (S1, S2, ...).

export interface Entry {
  at: number;
  step: number;
  text: string;
}

export class Timeline {
  readonly started = Date.now();
  step = 0;
  readonly #entries: Entry[] = [];
  readonly #aliases = new Map<number, string>();

  add(text: string, at = Date.now()): void {
    this.#entries.push({ at, step: this.step, text });
    if (this.#entries.length > 5_000) this.#entries.splice(0, 1_000);
  }

  /** S1, S2, ... in order of first sight; the id itself is never printed. */
  alias(sessionId: number | undefined): string {
    if (sessionId === undefined) return '-';
    let alias = this.#aliases.get(sessionId);
    if (!alias) {
      alias = `S${this.#aliases.size + 1}`;
      this.#aliases.set(sessionId, alias);
    }
    return alias;
  }

  /** Seconds since the run started, as the timeline prints them. */
  time(at = Date.now()): string {
    return `${((at - this.started) / 1000).toFixed(1)}s`;
  }

  /** The last entries up to now, ordered by time (tabs' entries arrive late, on the next read). */
  recent(count: number, since = 0): string[] {
    return [...this.#entries].filter((entry) => entry.at >= since).sort((a, b) => a.at - b.at).slice(-count)
      .map((entry) => `  ${this.time(entry.at).padStart(7)} [${entry.step}] ${entry.text}`);
  }
}
