// What this keeper learned of its servers' session timers (Janus `info`), one owner for it: what
// they allow a session to survive, and whether the WebSocket server ends sessions with their socket.
import type { ServerAllows } from '../../bridge/api.js';
import type { JanusSession, ServerTimeouts } from '../../janus/index.js';
import { endsWithItsLink, httpAlternative, keeperOutlivesPages, RECLAIM_ZERO_CAUSE, serverAllows } from './server-allows.js';

/** A session and the server it is on. */
export interface Opened {
  session: JanusSession;
  server: string;
}

export class ServerKnowledge {
  /** The timers of the last session's server, and that server. */
  #timers: { server: string; timers: ServerTimeouts } | undefined;
  #wsEndsSessions = false;
  /** This keeper outlives its pages (Node, or a SharedWorker Chromium keeps): a reload cannot end its link. */
  readonly outlivesPages: boolean;

  readonly #servers: readonly string[];
  readonly #note: ((line: string) => void) | undefined;

  /** `note`: told once per keeper when the server ends WebSocket sessions with their socket (for `debug`). */
  constructor(servers: readonly string[], standalone: boolean, note?: (line: string) => void) {
    this.#servers = servers;
    this.#note = note;
    this.outlivesPages = keeperOutlivesPages(standalone);
  }

  /** What the server of the last session allows it to survive (see `ServerAllows`); undefined until Janus told. */
  get allows(): ServerAllows | undefined {
    const known = this.#timers;
    return known && serverAllows(known.server, this.#servers, known.timers, this.outlivesPages);
  }

  /** Learned: the WebSocket server of this list ends a session with its socket (reclaim window 0). */
  get wsEndsSessions(): boolean {
    return this.#wsEndsSessions;
  }

  /** Remembers what the server told of its timers; says once when it ends WebSocket sessions with their socket. */
  learn(server: string, timers: ServerTimeouts | undefined): void {
    if (!timers) return;
    this.#timers = { server, timers };
    if (!endsWithItsLink(server, timers) || this.#wsEndsSessions) return;
    this.#wsEndsSessions = true;
    this.#note?.(this.allows?.note ?? RECLAIM_ZERO_CAUSE);
  }

  /**
   * A fresh session on a WebSocket that Janus ends with its socket (reclaim window 0), in a keeper
   * that dies with its pages: a lone tab's reload would end it. When the list has an HTTP server
   * too, the session is made there instead (`create` there; this one destroyed, unused) and later
   * creates go there first. Else, or when the HTTP server does not answer (`create` throws), the
   * WebSocket session stays.
   */
  async onLinkThatOutlives(opened: Opened, create: (server: string) => Promise<JanusSession>,
    stillCurrent: () => void): Promise<Opened> {
    if (!endsWithItsLink(opened.server, opened.session.serverTimeouts)) return opened;
    this.learn(opened.server, opened.session.serverTimeouts);
    const http = httpAlternative(this.#servers);
    if (this.outlivesPages || http === undefined) return opened;
    try {
      const session = await create(http);
      void opened.session.destroy().catch(() => opened.session.close());
      return { session, server: http };
    } catch {
      stillCurrent();
      return opened;
    }
  }
}
