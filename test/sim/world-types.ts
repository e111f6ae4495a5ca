// The shapes of a simulated run: its servers and plugins, its options, the tabs, their pages and
// calls, and the handles they own (world.ts re-exports them).
import type { TabEvent } from '../../src/bridge/api.js';

export const SERVER = 'ws://janus.sim:8188';
export const HTTP_SERVER = 'http://janus.sim:8088/janus';
export const ECHO = 'janus.plugin.echotest';
export const TEXTROOM = 'janus.plugin.textroom';
export const TOKEN = 'sim-token-1';

export interface SimOptions {
  seed: number;
  autoRecreate: boolean;
  standalone: boolean;
  sessionTimeoutS: number;
  reclaimTimeoutS: number;
  requestTimeoutMs: number;
  keepAliveMs: number;
  keepAliveTimeoutMs: number;
  tabGraceMs: number;
  maxAttemptsPerMinute: number;
  /** Janus requires this token (and the keeper has it) when set. */
  token?: string;
  /**
   * Janus wants signed tokens that live this long (ms), and the keeper's token is a provider (the
   * app's backend) that mints them, after `providerDelayMs`, unless it is bad.
   */
  tokenLifeMs?: number;
  /** How the keeper talks to Janus. */
  transport: 'ws' | 'http';
  /** Passed through the keeper's config when set (bug 10: the keeper drops it). */
  connectTimeoutMs?: number;
  /** Moving a handle between tabs uses the explicit API (`take: true`, a `handle-moved` event). */
  take: boolean;
}

export const DEFAULT_OPTIONS: SimOptions = {
  seed: 1, autoRecreate: false, standalone: false, sessionTimeoutS: 30, reclaimTimeoutS: 10,
  requestTimeoutMs: 3_000, keepAliveMs: 5_000, keepAliveTimeoutMs: 2_000, tabGraceMs: 3_000,
  maxAttemptsPerMinute: 60, take: false, transport: 'ws',
};

/** The app's token backend in a run with signed tokens. */
export interface SimProvider {
  bad: boolean;
  /** How long a token takes to come (past the keeper's deadline: a hung provider). */
  delayMs: number;
  calls: number;
  /** Revocations (every token refused from then on) and tokens set by hand. */
  rotations: number;
  sets: number;
}

export interface FakePort {
  events: TabEvent[];
  closed: boolean;
  postMessage(event: TabEvent): void;
  close(): void;
}

export interface SimTab {
  id: string;
  page: { lockName: string; port: FakePort } | undefined;
  pages: number;
  /** Counts the times the tab may have been gone for good (closed, or away past its grace). */
  epoch: number;
  left?: { at: number; grace: boolean };
}

export interface Call {
  id: number;
  tab: string;
  what: string;
  startedAwake: number;
  settled: boolean;
  outcome?: string;
  /** Ends the call as the tab sees it when its worker died under it (its answer never comes). */
  abandon?: () => void;
}

export interface OwnedHandle {
  tab: string;
  plugin: string;
}
