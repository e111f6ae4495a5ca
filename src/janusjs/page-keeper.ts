// The page's one keeper connection for janus.js (per Janus server), and the routing of its events
// to the janus.js sessions (fake sockets) whose handles they are for.
import type { HandleEvent } from '../bridge/api.js';
import { connect, type ConnectOptions } from '../client/connect.js';
import type { KeeperClient } from '../client/keeper-client.js';
import type { TokenSource } from '../janus/credentials/credentials.js';
import { signedTokenExpiry } from '../janus/credentials/token.js';
import { FrameSession, type Frame } from './frames.js';
import { HttpRoute, type HttpCallOptions } from './keeper-http.js';
import { KeeperSocket } from './keeper-socket.js';

export interface PageKeeperOptions {
  workerUrl: string | URL;
  /**
   * The keeper's token: a string, or a provider (e.g. one that fetches from the app's backend),
   * asked whenever the keeper needs a fresh one. Without it, the token of janus.js's frames
   * (`new Janus({ token })`); a later `new Janus` with a newer token hands that one to the keeper.
   */
  token?: TokenSource;
  /** Passed to `connect()` (e.g. `debug`, `name`, `mode`). */
  connect?: Omit<ConnectOptions, 'server' | 'workerUrl' | 'token' | 'apiSecret'>;
}

interface Link {
  client: Promise<KeeperClient>;
  sessions: Set<FrameSession>;
  /** The newest token janus.js's frames brought on this link (handed to the keeper). */
  token: string | undefined;
}

/** One page's keeper links, one per server; each janus.js socket is a FrameSession on one. */
export class PageKeeper {
  readonly #links = new Map<string, Link>();
  readonly #sockets = new Map<FrameSession, KeeperSocket>();
  readonly #routes = new Map<string, HttpRoute>();

  constructor(private readonly options: PageKeeperOptions) {
    globalThis.addEventListener?.('pagehide', (event) => {
      if ((event as PageTransitionEvent).persisted) return;
      // A janus.js page's handles end with it (the next page attaches its own). The keeper keeps the
      // session, as for any page that goes: a reload's next page finds it ready.
      for (const route of this.#routes.values()) route.close();
      for (const link of this.#links.values()) for (const session of link.sessions) void session.release().catch(() => {});
    });
  }

  /** janus.js's `newWebSocket(server, protocol)`. */
  socket(server: string): KeeperSocket {
    return new KeeperSocket(server, (socket) => {
      const session = this.#frameSession(server, (frame) => socket.deliver(frame));
      this.#sockets.set(session, socket);
      return session;
    }, (session) => {
      this.#sockets.delete(session);
      for (const each of this.#links.values()) each.sessions.delete(session);
      void session.release().catch(() => {});
    });
  }

  /** janus.js's `httpAPICall(url, options)`: false for a URL that is no Janus REST request it knows. */
  http(url: string, options: HttpCallOptions): boolean {
    let route = [...this.#routes.values()].find((known) => known.owns(url));
    const janus = (options.body as Frame | undefined)?.janus;
    if (!route && (janus === 'create' || janus === 'info')) {
      const base = url.split('?')[0]!;
      route = new HttpRoute(base, (emit) => this.#frameSession(base, emit));
      this.#routes.set(base, route);
    }
    if (!route) return false;
    route.call(url, options);
    return true;
  }

  /** One janus.js session (a socket, or a REST server's requests) on the page's link to `server`. */
  #frameSession(server: string, emit: (frame: Frame) => void): FrameSession {
    let credentials: { token?: string; apiSecret?: string } | undefined;
    const link = (): Link => this.#link(server, credentials ?? {});
    const session: FrameSession = new FrameSession(() => link().client, emit, (claimed) => this.#claimed(link(), claimed),
      () => credentials?.token);
    const request = session.request.bind(session);
    session.request = (frame: Frame) => {
      // janus.js puts its token and API secret in every frame: the keeper takes them from the first,
      // and a newer token from a later `new Janus({ token })`.
      credentials ??= credentialsOf(frame);
      const current = link();
      current.sessions.add(session);
      if (frame.janus !== 'attach') this.#offerToken(current, credentialsOf(frame).token);
      return request(frame);
    };
    return session;
  }

  #link(server: string, credentials: { token?: string; apiSecret?: string }): Link {
    const known = this.#links.get(server);
    if (known) return known;
    const sessions = new Set<FrameSession>();
    const token = this.options.token !== undefined ? { token: this.options.token } : {};
    const client = connect({ ...this.options.connect, server, workerUrl: this.options.workerUrl, ...credentials, ...token });
    const link: Link = { client, sessions, token: credentials.token };
    this.#links.set(server, link);
    client.then((keeper) => this.#route(keeper, sessions), () => this.#links.delete(server));
    return link;
  }

  /** A frame's token that is newer than the link's (a later signed expiry, or another stored token) goes to the keeper. */
  #offerToken(link: Link, token: string | undefined): void {
    if (token === undefined || token === link.token || this.options.token !== undefined) return;
    const offered = signedTokenExpiry(token);
    const known = link.token === undefined ? undefined : signedTokenExpiry(link.token);
    if (offered !== undefined && known !== undefined && offered <= known) return;
    link.token = token;
    void link.client.then((client) => client.setToken(token)).catch(() => {});
  }

  #route(keeper: KeeperClient, sessions: Set<FrameSession>): void {
    const owner = (handleId: number) => [...sessions].find((session) => session.handles.has(handleId));
    keeper.on('event', (event: HandleEvent) => owner(event.handleId)?.event(event));
    keeper.on('detached', ({ handleId }) => owner(handleId)?.detached(handleId));
    keeper.on('handle-moved', ({ handleId }) => owner(handleId)?.detached(handleId));
    keeper.on('session-lost', () => {
      for (const session of sessions) this.#sockets.get(session)?.lost();
      // janus.js over REST learns it from its long-poll, as from Janus.
      for (const route of this.#routes.values()) if (sessions.has(route.session)) route.lost();
    });
  }

  /** janus.js `reconnect()` claims on a new socket: the page's handles follow it. */
  #claimed(link: Link, claimed: FrameSession): void {
    for (const session of link.sessions) {
      if (session === claimed) continue;
      for (const [handleId, plugin] of session.handles) claimed.handles.set(handleId, plugin);
      session.handles.clear();
    }
  }
}

function credentialsOf(frame: Frame): { token?: string; apiSecret?: string } {
  const credentials: { token?: string; apiSecret?: string } = {};
  if (typeof frame['token'] === 'string' && frame['token'] !== '') credentials.token = frame['token'];
  if (typeof frame['apisecret'] === 'string' && frame['apisecret'] !== '') credentials.apiSecret = frame['apisecret'];
  return credentials;
}
