// A consumer's Node script (no DOM lib): the session layer and the keeper with the `ws` package.
import WebSocket from 'ws';
import { JanusSession, SessionReclaimException, type Jsep } from 'janus-keeper/janus';
import { debugKeeper, Keeper, memoryStore, type KeeperOptions } from 'janus-keeper/worker';

const server = process.argv[2] ?? 'ws://127.0.0.1:8188';

const session = await JanusSession.create({ server, WebSocket });
const echo = await session.attach('janus.plugin.echotest');
const answer: { data: Record<string, unknown>; jsep?: Jsep } = await echo.message({ audio: true });
try {
  await JanusSession.create({ server, WebSocket, sessionId: 1 });
} catch (error) {
  if (!(error instanceof SessionReclaimException)) throw error;
}
await session.destroy();

const options: KeeperOptions = { config: { server }, store: memoryStore(), standalone: true, WebSocket };
const keeper = new Keeper(options);
const stopDebug = debugKeeper(keeper);
await keeper.create();
const { handleId } = await keeper.attach('me', 'janus.plugin.echotest');
const { data } = await keeper.message('me', handleId, { audio: true });
stopDebug();
await keeper.destroy();
console.log(JSON.stringify({ session: answer.data['result'], keeper: data['result'] }));
