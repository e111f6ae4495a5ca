import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import { isJanusId } from '../../janus/index.js';

/** The version of the stored IndexedDB record; a record of another version is discarded. */
export const STORE_VERSION = 1;

/** A handle in the stored record: id, plugin, owner tab and opaque id. */
export interface StoredHandle {
  handleId: number;
  plugin: string;
  /** The tab (its sessionStorage id) that attached it. */
  owner: string;
  opaqueId?: string;
}

/** What a new worker instance needs to claim the session of a keeper. */
export interface StoredSession {
  version: typeof STORE_VERSION;
  /** The keeper's identity (`keeperKey`): its server URL, or its list of servers as JSON. */
  server: string;
  /** With a list of servers: the one that owns the session, where it may be claimed. Absent: `server`. */
  ownerServer?: string;
  sessionId: number;
  handles: StoredHandle[];
  /** When Janus last answered on this session (epoch ms), as the keeper saw it (`awaitingRestore`: when it was lost). */
  savedAt: number;
  /** Janus surely drops the session this long after `savedAt` (see `surelyExpired`); absent: unknown. */
  expiresAfterMs?: number;
  /** Janus ends this session with its WebSocket (reclaim_session_timeout 0): a claim after a close answers 458. */
  endsWithLink?: true;
  /** Handles no tab holds whose detach Janus has not confirmed: detached after the next claim. */
  doomed?: DoomedHandle[];
  /**
   * The session was lost (never claimed again); `handles` wait to be restored on the next session
   * (`autoRecreate`), by whichever keeper creates it: the one that lost it may die first.
   */
  awaitingRestore?: true;
}

export interface DoomedHandle {
  handleId: number;
  plugin: string;
}

/** Where a keeper keeps its session record: IndexedDB in browsers, memory in Node and tests. */
export interface SessionStore {
  load(server: string): Promise<StoredSession | undefined>;
  save(record: StoredSession): Promise<void>;
  clear(server: string): Promise<void>;
}

interface KeeperDB extends DBSchema {
  // Stored as unknown on purpose: whatever is read must pass `parseStoredSession` first.
  sessions: { key: string; value: unknown };
}

/**
 * IndexedDB-backed store (idb). A record that fails validation is deleted, never trusted. An open
 * that fails (blocked, quota, private mode) or a connection the browser terminated or asked to close
 * is not kept: the next call opens again.
 */
export function indexedDbStore(name = 'janus-keeper', warn: (message: string) => void = console.warn): SessionStore {
  let db: Promise<IDBPDatabase<KeeperDB>> | undefined;
  const forget = (opened: Promise<IDBPDatabase<KeeperDB>>) => {
    if (db === opened) db = undefined;
  };
  const open = () => {
    if (db) return db;
    const opening: Promise<IDBPDatabase<KeeperDB>> = openDB<KeeperDB>(name, 1, {
      upgrade(database) {
        database.createObjectStore('sessions');
      },
      blocking() {
        forget(opening);
        void opening.then((database) => database.close());
      },
      terminated() {
        forget(opening);
      },
    });
    opening.catch(() => forget(opening));
    db = opening;
    return opening;
  };
  return {
    async load(server) {
      const value = await (await open()).get('sessions', server);
      if (value === undefined) return undefined;
      const record = parseStoredSession(value, server);
      if (!record) {
        warn('[janus-keeper] discarded a stored session record that failed validation');
        await (await open()).delete('sessions', server);
      }
      return record;
    },
    async save(record) {
      await (await open()).put('sessions', record, record.server);
    },
    async clear(server) {
      await (await open()).delete('sessions', server);
    },
  };
}

/** For Node and tests: the same contract, kept in memory. */
export function memoryStore(): SessionStore {
  const records = new Map<string, unknown>();
  return {
    async load(server) {
      const value = records.get(server);
      const record = value === undefined ? undefined : parseStoredSession(value, server);
      if (!record) records.delete(server);
      return record;
    },
    async save(record) {
      records.set(record.server, structuredClone(record));
    },
    async clear(server) {
      records.delete(server);
    },
  };
}

/** Validates a stored record; anything that is not a record of this version and server gives `undefined`. */
export function parseStoredSession(value: unknown, server: string): StoredSession | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const record = value as Record<string, unknown>;
  if (record['version'] !== STORE_VERSION || record['server'] !== server) return undefined;
  if (!isJanusId(record['sessionId'])) return undefined;
  const savedAt = record['savedAt'];
  if (typeof savedAt !== 'number' || !Number.isFinite(savedAt)) return undefined;
  const handles = record['handles'];
  if (!Array.isArray(handles) || !handles.every(isStoredHandle)) return undefined;
  const expiresAfterMs = record['expiresAfterMs'];
  if (expiresAfterMs !== undefined && (typeof expiresAfterMs !== 'number' || !(expiresAfterMs >= 0))) return undefined;
  const doomed = record['doomed'];
  if (doomed !== undefined && !(Array.isArray(doomed) && doomed.every(isDoomedHandle))) return undefined;
  const ownerServer = record['ownerServer'];
  if (ownerServer !== undefined && (typeof ownerServer !== 'string' || ownerServer === '')) return undefined;
  const parsed: StoredSession = {
    version: STORE_VERSION,
    server,
    sessionId: record['sessionId'],
    savedAt,
    handles: handles.map((handle) => ({ ...handle })),
  };
  if (expiresAfterMs !== undefined) parsed.expiresAfterMs = expiresAfterMs;
  if (ownerServer !== undefined) parsed.ownerServer = ownerServer;
  if (record['endsWithLink'] === true) parsed.endsWithLink = true;
  if (record['awaitingRestore'] === true) parsed.awaitingRestore = true;
  if (doomed !== undefined) parsed.doomed = doomed.map(({ handleId, plugin }) => ({ handleId, plugin }));
  return parsed;
}

function isDoomedHandle(value: unknown): value is DoomedHandle {
  if (typeof value !== 'object' || value === null) return false;
  const handle = value as Record<string, unknown>;
  return isJanusId(handle['handleId']) && typeof handle['plugin'] === 'string' && handle['plugin'] !== '';
}

function isStoredHandle(value: unknown): value is StoredHandle {
  if (typeof value !== 'object' || value === null) return false;
  const handle = value as Record<string, unknown>;
  return isJanusId(handle['handleId']) && typeof handle['plugin'] === 'string' && handle['plugin'] !== ''
    && typeof handle['owner'] === 'string' && handle['owner'] !== ''
    && (handle['opaqueId'] === undefined || typeof handle['opaqueId'] === 'string');
}
