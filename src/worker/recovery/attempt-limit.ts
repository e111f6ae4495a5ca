/** At most `perMinute` create/claim attempts in any 60 s, however many tabs or events ask. */
export class AttemptLimit {
  readonly #times: number[] = [];

  constructor(
    private readonly perMinute: number,
    private readonly now: () => number,
  ) {}

  /** Milliseconds until one more attempt fits (0: it fits now). */
  waitMs(): number {
    const now = this.now();
    while (this.#times.length > 0 && now - this.#times[0]! >= 60_000) this.#times.shift();
    return this.#times.length < this.perMinute ? 0 : 60_000 - (now - this.#times[0]!);
  }

  record(): void {
    this.#times.push(this.now());
  }

  /** Milliseconds since the last attempt started (Infinity before the first). */
  sinceLastMs(): number {
    const last = this.#times.at(-1);
    return last === undefined ? Infinity : this.now() - last;
  }
}
