import { defineConfig } from '@playwright/test';

// Playwright cannot download its browsers here: it drives Debian's Chromium.
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const args = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  timeout: 60_000,
  workers: 1,
  retries: 0,
  reporter: process.env.CI ? [['list']] : [['list']],
  use: {
    headless: true,
    launchOptions: { executablePath, args },
  },
  projects: [
    { name: 'chromium', testIgnore: '**/webrtc*.spec.ts' },
    // Real calls: Chromium's fake camera and microphone, permission granted without a prompt.
    {
      name: 'media',
      testMatch: '**/webrtc*.spec.ts',
      use: {
        launchOptions: {
          executablePath,
          args: [...args, '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream'],
        },
      },
    },
  ],
});
