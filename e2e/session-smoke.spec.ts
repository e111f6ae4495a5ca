import { expect, test } from './fixtures/test.js';

test('the session layer creates, drops and reclaims a session in Chromium over WebSocket', async ({ page, janus, site }) => {
  await page.goto(`${site.url}/e2e/pages/session.html`);
  await expect(page.locator('body[data-ready=true]')).toBeVisible();

  const result = await page.evaluate(async (server) => {
    const { JanusSession, SessionReclaimException } = (window as any).janus;
    const first = await JanusSession.create({ server });
    const handle = await first.attach('janus.plugin.echotest');
    const before = (await handle.message({ audio: true })).data.result;
    const dropped = new Promise((resolve) => first.addEventListener('disconnected', () => resolve(true)));
    first.close();
    await dropped;
    const second = await JanusSession.create({ server, sessionId: first.id });
    const rebound = await second.attach('janus.plugin.echotest', { handleId: handle.id });
    const after = (await rebound.message({ audio: false })).data.result;
    let refused = '';
    try {
      await JanusSession.create({ server, sessionId: -1 });
    } catch (error: any) {
      refused = error instanceof SessionReclaimException ? `${error.name} ${error.code}` : String(error);
    }
    return { firstId: first.id, secondId: second.id, reclaimed: second.reclaimed, handleId: handle.id,
      reboundId: rebound.id, before, after, refused };
  }, janus.wsUrl);

  expect(result.secondId).toBe(result.firstId);
  expect(result.reclaimed).toBe(true);
  expect(result.reboundId).toBe(result.handleId);
  expect(result.before).toBe('ok');
  expect(result.after).toBe('ok');
  expect(result.refused).toBe('SessionReclaimException 458');
  expect(await janus.listSessions()).toEqual([result.firstId]);
  expect(await janus.listHandles(result.firstId)).toEqual([result.handleId]);
});
