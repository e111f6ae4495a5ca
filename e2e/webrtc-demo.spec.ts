// The demo's video call (fake camera): echoed video with its bitrate, playing through "Drop
// network", back on the same handle after a reload. Runs the demo server as `npm start` does.
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';
import { startDemoServer, type DemoServer } from '../scripts/demo-server.js';
import { expect, test } from './fixtures/test.js';

// The README's screenshot is refreshed only on request (video frames differ on every run).
const SCREENSHOT = process.env.UPDATE_SCREENSHOTS
  ? fileURLToPath(new URL('../docs/demo-call.png', import.meta.url))
  : join(os.tmpdir(), 'janus-keeper-demo-call.png');

const testId = (page: Page, id: string) => page.getByTestId(id);
const videoTime = (page: Page) => page.evaluate(() => (document.querySelector('[data-testid="echo-video"]') as HTMLVideoElement).currentTime);

async function videoPlays(page: Page): Promise<void> {
  const before = await videoTime(page);
  await expect.poll(() => videoTime(page), { timeout: 10_000 }).toBeGreaterThan(before);
}

test.describe('the demo video call', () => {
  let demo: DemoServer;
  test.beforeAll(async () => {
    demo = await startDemoServer({ janus: { sessionTimeout: 30, reclaimTimeout: 10 } });
  });
  test.afterAll(async () => {
    await demo?.close();
  });

  test('echoed video with its bitrate; it plays through a network drop; a reload brings it back on the same handle', async ({ page }) => {
    await page.setViewportSize({ width: 1100, height: 1000 });
    await page.goto(demo.url);
    await expect(testId(page, 'state')).toHaveText('ready');
    await testId(page, 'call-start').click();
    await expect(testId(page, 'event-log')).toContainText('video call up on handle');
    await expect.poll(async () => Number(await testId(page, 'bitrate').getAttribute('data-kbps')), { timeout: 10_000 }).toBeGreaterThan(0);
    await videoPlays(page);
    const handleId = await testId(page, 'handle-id').textContent();
    const sessionId = await testId(page, 'session-id').textContent();

    await page.locator('#drop-seconds').clear(); // Firefox: fill() alone appends to a number input's value
    await page.locator('#drop-seconds').fill('3');
    await testId(page, 'drop-network').click();
    await expect(testId(page, 'state')).toHaveText('reconnecting');
    await videoPlays(page);
    await expect(testId(page, 'state')).toHaveText('reconnecting'); // the video played while signaling was down
    await expect(testId(page, 'state')).toHaveText('ready', { timeout: 15_000 });
    await expect(testId(page, 'session-id')).toHaveText(sessionId!);
    await videoPlays(page);
    await page.screenshot({ path: SCREENSHOT, fullPage: true });

    await page.reload();
    await expect(testId(page, 'event-log')).toContainText(`calling again on handle ${handleId}`);
    await expect(testId(page, 'event-log')).toContainText('video call up on handle');
    await expect(testId(page, 'handle-id')).toHaveText(handleId!);
    await expect(testId(page, 'session-id')).toHaveText(sessionId!);
    await videoPlays(page);
  });
});
