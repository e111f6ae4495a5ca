// An app that wraps the keeper with Comlink itself (docs/adding-to-your-app.md, "Calling the keeper
// with Comlink yourself"): the page opens the keeper's SharedWorker under connect()'s name, says
// hello with its event port transferred and calls the keeper as a Comlink proxy, next to a
// connect() page of the same app, in Chromium and Firefox.
import type { Page } from '@playwright/test';
import { expect, openKeeperPage, test } from './fixtures/test.js';

async function openComlinkPage(page: Page, site: { url: string }, server: string): Promise<void> {
  await page.goto(`${site.url}/e2e/pages/comlink.html?server=${encodeURIComponent(server)}`);
  await page.waitForFunction(() => document.body.dataset.ready === 'true' || document.body.dataset.error);
  const error = await page.evaluate(() => document.body.dataset.error);
  if (error) throw new Error(`the Comlink page failed to say hello: ${error}`);
}

test("a page's own Comlink proxy shares the connect() pages' keeper: create, attach, message, typed errors, events, goodbye",
  async ({ context, janus, site }) => {
    const [app, own] = [await context.newPage(), await context.newPage()];
    await openKeeperPage(app, site, { server: janus.wsUrl });
    await openComlinkPage(own, site, janus.wsUrl);
    expect(await own.evaluate(() => (window as any).helloState.tabs)).toBe(2);

    const { sessionId } = await app.evaluate(() => (window as any).keeper.create()) as { sessionId: number };
    const seen = await own.evaluate(async () => {
      const { keeper, lib } = window as any;
      const created = await keeper.create();
      const refused = await keeper.create(-1).then(() => undefined, (error: any) => ({
        ofClass: error instanceof lib.SessionReclaimException, name: error.name, code: error.code, reason: error.reason }));
      const { handleId } = await keeper.attach('janus.plugin.echotest');
      const { data } = await keeper.message(handleId, { audio: true });
      const state = await keeper.state();
      return { created, refused, handleId, result: data.result, tabs: state.tabs, handles: state.handles.map((h: any) => h.handleId) };
    });
    expect(seen.created).toEqual({ sessionId, reclaimed: false });
    expect(seen.refused).toMatchObject({ ofClass: true, name: 'SessionReclaimException', code: 458 });
    expect(seen.refused?.reason).toMatch(/invalid session id/);
    expect(seen.result).toBe('ok');
    expect(seen.tabs).toBe(2);
    expect(seen.handles).toEqual([seen.handleId]);
    expect(await janus.listSessions()).toEqual([sessionId]);
    expect(await janus.listHandles(sessionId)).toEqual([seen.handleId]);
    // The keeper's events came one-way on the page's own port, whole: the session's states.
    await expect.poll(() => own.evaluate(() => (window as any).events
      .some((event: any) => event.type === 'state' && event.state.state === 'ready' && event.state.sessionId !== undefined))).toBe(true);

    // goodbye: the answer comes back before the keeper lets the port go, and the page's handle goes at once.
    await own.evaluate(() => (window as any).keeper.goodbye());
    await expect.poll(() => janus.listHandles(sessionId), { timeout: 5_000 }).toEqual([]);
    expect((await app.evaluate(() => (window as any).keeper.state())).tabs).toBe(1);
  });
