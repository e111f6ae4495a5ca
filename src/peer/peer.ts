// Binds a page's RTCPeerConnection to a keeper handle. The keeper stays signaling-only: this file
// runs in the page, which owns the PeerConnection.
import type { HandleEvent, KeeperState, MessageResult } from '../bridge/api.js';
import type { Jsep } from '../janus/protocol.js';

/** What the helper needs of a keeper client (`connect()`'s result fits). */
export interface PeerKeeper {
  message(handleId: number, body: Record<string, unknown>, jsep?: Jsep): Promise<MessageResult>;
  trickle(handleId: number, candidate: Record<string, unknown> | null): Promise<void>;
  hangup(handleId: number): Promise<void>;
  state(): Promise<KeeperState>;
  on(type: 'event', listener: (event: HandleEvent) => void): () => void;
  on(type: 'missed-events', listener: (detail: { handleIds: number[] }) => void): () => void;
  on(type: 'detached', listener: (detail: { handleId: number }) => void): () => void;
}

/** Options of {@link peer}: who offers, the bodies sent with offers and answers, and `renew` for a fresh PeerConnection after a hangup. */
export interface PeerOptions {
  /**
   * Who makes the offer: `page` (echotest, a videoroom publisher: the plugin answers) or `janus`
   * (a videoroom subscriber, streaming: the page answers). Default `page`.
   */
  offerer?: 'page' | 'janus';
  /** Sent with the page's offer (e.g. echotest `{ audio: true, video: true }`, publisher `{ request: 'configure' }`). */
  offerBody?: Record<string, unknown>;
  /** Sent with the page's answer (videoroom subscriber `{ request: 'start' }`). */
  answerBody?: Record<string, unknown>;
  /** When Janus offers: the body that asks it for an ICE-restart offer (videoroom `{ request: 'configure', restart: true }`). */
  restartBody?: Record<string, unknown>;
  /**
   * A fresh PeerConnection (with the app's tracks) after Janus hung the call up: the helper then
   * negotiates again on the same handle. Without it a hangup ends the binding's work.
   */
  renew?: (old: RTCPeerConnection) => RTCPeerConnection | Promise<RTCPeerConnection>;
  /** Restart ICE when it goes `disconnected` or `failed`, and after a claim (`missed-events`). Default true. */
  iceRestart?: boolean;
  /** Errors of the helper's own work (a failed negotiation); default: console.warn. */
  onError?: (error: unknown) => void;
}

/** A call on one handle, made by {@link peer}: start, wait for media, restart ICE, hang up, close. */
export interface Peer {
  /** The PeerConnection in use (a new one after a renew). */
  readonly pc: RTCPeerConnection;
  /** Page offers: sends the offer (hanging up first a call the keeper still knows, e.g. after a reload). */
  start(): Promise<void>;
  /** Sends a body to the plugin; a JSEP in its answer is applied (Janus's offer gets answered). */
  send(body: Record<string, unknown>): Promise<MessageResult>;
  /** A new offer with `iceRestart` (or, when Janus offers, `restartBody`) on the same handle. */
  restartIce(): Promise<void>;
  /** Resolves with the next `webrtcup` of this handle. */
  up(): Promise<void>;
  /** Ends the call on purpose: the binding closes first (no renew), then Janus hangs up. */
  hangup(): Promise<void>;
  /** Removes every listener the helper added (the PeerConnection stays the app's to close). */
  close(): void;
}

/** Binds `pc` to `handleId` of `keeper`: trickle both ways, offer/answer, ICE restart, renew. */
export function peer(keeper: PeerKeeper, handleId: number, pc: RTCPeerConnection, options: PeerOptions = {}): Peer {
  return new PeerBinding(keeper, handleId, pc, options);
}

class PeerBinding implements Peer {
  #pc: RTCPeerConnection;
  #pcListeners = new AbortController();
  readonly #offKeeper: (() => void)[];
  #chain: Promise<unknown> = Promise.resolve();
  /**
   * Janus's candidates that came before the description they belong to was applied: its answer
   * (a Comlink result) and its trickle (an event) travel apart, so a candidate of an ICE restart
   * can beat the answer; added to the old description it would pair with stale credentials.
   */
  #early: (RTCIceCandidateInit | null)[] = [];
  /** Between sending an offer (or asking Janus for one) and applying Janus's description. */
  #awaitingRemote = false;
  /** This PeerConnection reached `webrtcup`: a later hangup is Janus's, not one we asked for. */
  #wasUp = false;
  #restarting = false;
  #closed = false;
  readonly #upWaiters = new Set<() => void>();

  constructor(private readonly keeper: PeerKeeper, private readonly handleId: number, pc: RTCPeerConnection,
    private readonly options: PeerOptions) {
    this.#pc = pc;
    this.#bindPc(pc);
    this.#offKeeper = [
      keeper.on('event', (event) => {
        if (event.handleId === handleId) void this.#onEvent(event);
      }),
      keeper.on('missed-events', ({ handleIds }) => {
        if (handleIds.includes(handleId) && this.#wasUp) this.#autoRestart();
      }),
      keeper.on('detached', (detail) => {
        if (detail.handleId === handleId) this.close();
      }),
    ];
  }

  get pc(): RTCPeerConnection {
    return this.#pc;
  }

  start(): Promise<void> {
    return this.#serial(async () => {
      const known = (await this.keeper.state()).handles.find((handle) => handle.handleId === this.handleId);
      // A call Janus may still hold (the page reloaded; or a worker that claimed cannot tell) would
      // refuse a fresh PeerConnection's offer: hang it up first.
      if (known?.webrtc === 'up' || known?.webrtc === 'unknown') await this.keeper.hangup(this.handleId);
      if (this.#offerer === 'page') await this.#offer(false);
    });
  }

  send(body: Record<string, unknown>): Promise<MessageResult> {
    return this.#serial(async () => {
      const result = await this.keeper.message(this.handleId, body);
      if (result.jsep) await this.#applyRemote(result.jsep);
      return result;
    });
  }

  restartIce(): Promise<void> {
    return this.#serial(() => this.#restart());
  }

  up(): Promise<void> {
    return new Promise((resolve) => this.#upWaiters.add(resolve));
  }

  async hangup(): Promise<void> {
    this.close();
    await this.keeper.hangup(this.handleId);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#pcListeners.abort();
    for (const off of this.#offKeeper) off();
    this.#upWaiters.clear();
  }

  get #offerer(): 'page' | 'janus' {
    return this.options.offerer ?? 'page';
  }

  #bindPc(pc: RTCPeerConnection): void {
    const { signal } = this.#pcListeners;
    pc.addEventListener('icecandidate', (event) => {
      const candidate = event.candidate ? event.candidate.toJSON() as Record<string, unknown> : null;
      this.keeper.trickle(this.handleId, candidate).catch((error: unknown) => this.#report(error));
    }, { signal });
    pc.addEventListener('iceconnectionstatechange', () => {
      if (pc.iceConnectionState === 'disconnected' || pc.iceConnectionState === 'failed') this.#autoRestart();
    }, { signal });
  }

  async #onEvent(event: HandleEvent): Promise<void> {
    switch (event.janus) {
      case 'webrtcup':
        this.#wasUp = true;
        for (const waiter of [...this.#upWaiters]) waiter();
        this.#upWaiters.clear();
        break;
      case 'trickle': {
        const { candidate } = event;
        await this.#addRemoteCandidate(candidate['completed'] === true ? null : candidate as RTCIceCandidateInit);
        break;
      }
      case 'event':
        if (event.jsep) await this.#serial(() => this.#applyRemote(event.jsep!));
        break;
      case 'hangup':
        if (this.#wasUp) await this.#serial(() => this.#renew());
        break;
    }
  }

  async #restart(): Promise<void> {
    if (this.#offerer === 'page') return this.#offer(true);
    if (!this.options.restartBody) return;
    this.#awaitingRemote = true;
    try {
      const result = await this.keeper.message(this.handleId, this.options.restartBody);
      if (result.jsep) await this.#applyRemote(result.jsep);
    } finally {
      this.#awaitingRemote = false;
    }
  }

  async #offer(iceRestart: boolean): Promise<void> {
    const offer = await this.#pc.createOffer(iceRestart ? { iceRestart: true } : {});
    await this.#pc.setLocalDescription(offer);
    this.#awaitingRemote = true;
    try {
      const result = await this.keeper.message(this.handleId, this.options.offerBody ?? {}, { type: 'offer', sdp: offer.sdp! });
      if (result.jsep) await this.#applyRemote(result.jsep);
    } finally {
      this.#awaitingRemote = false;
    }
  }

  /** Janus's answer to our offer, or its offer (then answered). A stale answer is ignored. */
  async #applyRemote(jsep: Jsep): Promise<void> {
    const pc = this.#pc;
    if (jsep.type === 'answer' && pc.signalingState !== 'have-local-offer') return;
    await pc.setRemoteDescription({ type: jsep.type, sdp: jsep.sdp ?? '' } as RTCSessionDescriptionInit);
    this.#awaitingRemote = false;
    for (const candidate of this.#early.splice(0)) await this.#addRemoteCandidate(candidate);
    if (jsep.type !== 'offer') return;
    const answer = await pc.createAnswer();
    await pc.setLocalDescription(answer);
    await this.keeper.message(this.handleId, this.options.answerBody ?? {}, { type: 'answer', sdp: answer.sdp! });
  }

  async #addRemoteCandidate(candidate: RTCIceCandidateInit | null): Promise<void> {
    if (!this.#pc.remoteDescription || this.#awaitingRemote) {
      this.#early.push(candidate);
      return;
    }
    await (candidate ? this.#pc.addIceCandidate(candidate) : this.#pc.addIceCandidate()).catch((error: unknown) => this.#report(error));
  }

  /** Janus hung up: a fresh PeerConnection from the app, negotiated again on the same handle. */
  async #renew(): Promise<void> {
    this.#wasUp = false;
    if (!this.options.renew || this.#closed) return;
    const old = this.#pc;
    this.#pcListeners.abort();
    this.#pcListeners = new AbortController();
    old.close();
    this.#pc = await this.options.renew(old);
    this.#early = [];
    this.#bindPc(this.#pc);
    await (this.#offerer === 'page' ? this.#offer(false) : this.#restart());
  }

  /** One ICE restart at a time, only while the PeerConnection lives (Janus refuses it after a hangup). */
  #autoRestart(): void {
    if (this.options.iceRestart === false || this.#restarting || this.#closed) return;
    if (this.#pc.connectionState === 'closed' || !this.#wasUp) return;
    this.#restarting = true;
    this.restartIce().catch((error: unknown) => this.#report(error)).finally(() => {
      this.#restarting = false;
    });
  }

  #serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.#chain.then(work, work);
    this.#chain = next.catch(() => {});
    return next;
  }

  #report(error: unknown): void {
    if (this.#closed) return;
    (this.options.onError ?? ((e: unknown) => console.warn('[janus-keeper/peer]', e)))(error);
  }
}
