// What the keeper gives its session steps: the state machine, the recovery schedule, the handles,
// the tabs and the stored record it owns, its settings, and how to open a session and tell tabs.
import type { KeeperStats, TabEvent } from '../../bridge/api.js';
import type { Clock, JanusSession } from '../../janus/index.js';
import type { HandleTable } from '../handles/handle-table.js';
import type { TabRegistry } from '../host/tabs.js';
import type { SessionRecord } from '../record/record.js';
import type { Recovery } from '../recovery/recovery.js';
import type { SessionMachine } from './session-machine.js';

export interface StepsContext {
  machine: SessionMachine;
  recovery: Recovery;
  handles: HandleTable;
  tabs: TabRegistry;
  record: SessionRecord;
  servers: readonly string[];
  clock: Clock;
  stats: KeeperStats;
  autoRecreate: boolean;
  standalone: boolean;
  /** Probe for a session claimed elsewhere after this long without events (0: never). */
  ownershipProbeMs: number;
  requestTimeoutMs: number;
  /**
   * Janus refused the token and no provider can give another: no create or claim until a new one
   * comes (`setToken`, a page's), which calls `online()`.
   */
  waitsForToken(): boolean;
  /**
   * Opens a session: creates one (no id) or claims `sessionId`, on `server`. `onClaimSent`: see
   * `JanusSessionOptions` (a claim over WebSocket hands out its session once it went out).
   */
  open(sessionId: number | undefined, server: string, cancelled: () => boolean,
    onClaimSent?: (session: JanusSession) => void): Promise<JanusSession>;
  deliver(owner: string, event: TabEvent): void;
  broadcast(event: Extract<TabEvent, { type: 'session-lost' }>): void;
  /** Told once per keeper when the server ends WebSocket sessions with their socket (for `debug`). */
  note?(line: string): void;
}
