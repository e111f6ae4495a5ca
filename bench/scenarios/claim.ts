// 6. What getting a session back costs, in Node against the same Janus, over both transports:
// a claim of a known session (+ re-binding its known handle: no request) next to a create +
// attach, which is what a client without claim (janus.js on every page load) must do. Both
// columns are measured with janus-keeper's own session layer: janus.js does not run in Node.
import WebSocket from 'ws';
import type { RunningJanus } from '../../e2e/fixtures/janus-launcher.js';
import { JanusSession, type TransportKind, type WebSocketConstructor } from '../../src/janus/index.js';
import { summarize, type Summary } from '../stats.js';
import { timing, type Row } from '../table.js';
import type { BenchContext } from '../context.js';

const PLUGIN = 'janus.plugin.echotest';

export interface ClaimResult {
  kind: TransportKind;
  /** JanusSession.create() alone (open the link + create), then + attach echotest. */
  create: number[];
  createAttach: number[];
  /** JanusSession.create({ sessionId }) (open the link + claim), then + re-bind the handle. */
  claim: number[];
  claimRebind: number[];
}

export async function measureClaim(janus: RunningJanus, runs: number): Promise<ClaimResult[]> {
  const base = { WebSocket: WebSocket as unknown as WebSocketConstructor, keepAliveMs: 25_000 };
  const results: ClaimResult[] = [];
  for (const kind of ['ws', 'http'] as TransportKind[]) {
    const server = kind === 'ws' ? janus.wsUrl : janus.httpUrl;
    const result: ClaimResult = { kind, create: [], createAttach: [], claim: [], claimRebind: [] };
    for (let i = 0; i < runs; i++) {
      const start = performance.now();
      const session = await JanusSession.create({ ...base, server });
      result.create.push(performance.now() - start);
      await session.attach(PLUGIN);
      result.createAttach.push(performance.now() - start);
      await session.destroy();
    }
    let session = await JanusSession.create({ ...base, server });
    const handleId = (await session.attach(PLUGIN)).id;
    for (let i = 0; i < runs; i++) {
      session.close();
      const start = performance.now();
      session = await JanusSession.create({ ...base, server, sessionId: session.id });
      result.claim.push(performance.now() - start);
      await session.attach(PLUGIN, { handleId });
      result.claimRebind.push(performance.now() - start);
    }
    await session.destroy();
    results.push(result);
  }
  return results;
}

export function summaries(result: ClaimResult): Record<'create' | 'createAttach' | 'claim' | 'claimRebind', Summary> {
  return { create: summarize(result.create), createAttach: summarize(result.createAttach),
    claim: summarize(result.claim), claimRebind: summarize(result.claimRebind) };
}

export async function claimVsCreate(ctx: BenchContext): Promise<Row[]> {
  const runs = ctx.quick ? 10 : 200;
  const rows: Row[] = [];
  for (const result of await measureClaim(ctx.janus, runs)) {
    const ours = timing(result.claimRebind), theirs = timing(result.createAttach);
    rows.push({ scenario: '6', metric: `session + handle back, Node, ${result.kind}: claim + re-bind vs create + attach`, unit: 'ms',
      ours: ours.value, janusjs: theirs.value, oursText: ours.text, janusjsText: theirs.text,
      samples: { ours: ours.summary, janusjs: theirs.summary },
      note: 'both with our session layer; janus.js creates + attaches on every page load' });
  }
  ctx.log('claim vs create done');
  return rows;
}
