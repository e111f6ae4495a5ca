// Two keepers on one record (issue 26, defect 4): a `?mode=leader` tab's keeper holds the session,
// SharedWorker tabs of the same origin and server come and go next to it.
import type { Page } from '@playwright/test';
import { expect, openKeeperPage, test } from './fixtures/test.js';

const ECHO = 'janus.plugin.echotest';
const WAITING = /^waiting for the keeper that holds this session/;

const create = (page: Page) => page.evaluate(() => (window as any).keeper.create()) as Promise<{ sessionId: number; reclaimed: boolean }>;
const attachEcho = (page: Page) =>
  page.evaluate((plugin) => (window as any).keeper.attach(plugin), ECHO) as Promise<{ handleId: number }>;
const echo = (page: Page, handleId: number) =>
  page.evaluate(async (id) => (await (window as any).keeper.message(id, { audio: true })).data.result, handleId);
/** What the page last heard, without a call. */
const lastState = (page: Page) => page.evaluate(() => (window as any).keeper.currentState) as Promise<any>;
/** Every state the page got since it connected (`received` of the test page), oldest first. */
const statesOf = (page: Page) =>
  page.evaluate(() => (window as any).received.filter((r: any) => r.type === 'state').map((r: any) => r.detail)) as Promise<any[]>;

/** A leader-mode tab that holds the session with one handle. */
async function leaderHolding(page: Page, site: { url: string }, server: string) {
  await openKeeperPage(page, site as any, { server, options: JSON.stringify({ mode: 'leader' }) });
  expect(await page.evaluate(() => (window as any).keeper.mode)).toBe('leader');
  const { sessionId } = await create(page);
  const { handleId } = await attachEcho(page);
  return { sessionId, handleId };
}

test('the SharedWorker tabs of a waiting keeper say why they wait, in every state, after pages come and go and on reload', async ({ context, janus, site }) => {
  const leader = await context.newPage();
  const { sessionId, handleId } = await leaderHolding(leader, site, janus.wsUrl);
  const query = { server: janus.wsUrl, options: JSON.stringify({ callTimeoutMs: 1_500 }) };

  const shared = await context.newPage();
  await openKeeperPage(shared, site, query);
  expect(await shared.evaluate(() => (window as any).keeper.create().then(() => 'created', (e: any) => e.name))).toBe('TimeoutError');
  await expect.poll(async () => (await lastState(shared)).cause ?? '').toMatch(WAITING);

  const other = await context.newPage(); // a page coming: both get a new state, and it still says why
  await openKeeperPage(other, site, query);
  expect((await lastState(other)).cause).toMatch(WAITING);
  await expect.poll(async () => (await statesOf(shared)).at(-1)?.tabs).toBe(2);
  expect((await lastState(shared)).cause).toMatch(WAITING);

  await other.close(); // a page going
  await expect.poll(async () => (await statesOf(shared)).at(-1)?.tabs).toBe(1);
  expect((await lastState(shared)).cause).toMatch(WAITING);

  await shared.reload(); // its reload: the new page's first state says it too
  await shared.waitForFunction(() => document.body.dataset.ready === 'true');
  expect((await lastState(shared)).cause).toMatch(WAITING);
  expect((await statesOf(shared)).every((state) => WAITING.test(state.cause ?? ''))).toBe(true);

  expect(await echo(leader, handleId)).toBe('ok'); // the owner is untouched
  expect(await janus.listSessions()).toEqual([sessionId]);
});
