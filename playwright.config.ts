import { defineConfig } from '@playwright/test';

// Playwright cannot download its browsers here: it drives Debian's Chromium.
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// Debian's Firefox ESR over WebDriver BiDi (Playwright's `moz-firefox` channel; patches/ lets
// Playwright 1.65 live with the one BiDi command ESR 153 lacks).
const firefoxPath = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';
const args = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

// Firefox ESR with fake camera and microphone, no prompt.
const FIREFOX = {
  browserName: 'firefox' as const,
  channel: 'moz-firefox',
  launchOptions: {
    executablePath: firefoxPath,
    firefoxUserPrefs: { 'media.navigator.streams.fake': true, 'media.navigator.permission.disabled': true },
  },
};
// The core set that runs again on Janus 1.4.1 (docs/test-matrix.md says why these).
const JANUS14_SPECS = ['**/session-smoke.spec.ts', '**/resilience.spec.ts', '**/keeper.spec.ts', '**/lifecycle.spec.ts',
  '**/stock-timers.spec.ts', '**/tls-proxy.spec.ts', '**/tokens.spec.ts'];
const JANUS14_TESTS = /creates, drops and reclaims|a 3 s reset ends in a claim|Janus restarted on the same ports|longer than the reclaim window|reload|killed under two tabs|stock Janus timers|nginx TLS|six expiries|stored tokens/;

export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  timeout: 60_000,
  workers: 1,
  // In CI one retry, reported as flaky by name (the closing note lists them); locally none.
  retries: process.env.CI ? 1 : 0,
  reporter: process.env.CI ? [['list']] : [['list']],
  use: {
    headless: true,
    launchOptions: { executablePath, args },
  },
  projects: [
    { name: 'chromium', testIgnore: '**/webrtc*.spec.ts' },
    // The core set again on Janus 1.4.1 (scripts/janus14.sh sets JANUS_PREFIX to its build; without
    // it this project runs on Debian's 1.1.2): session layer, drop and claim, reload, worker kill,
    // Janus restart, stock timers, nginx TLS. docs/test-matrix.md says why these.
    {
      name: 'chromium-janus14',
      testMatch: JANUS14_SPECS,
      grep: JANUS14_TESTS,
    },
    // The same core set in Firefox on Janus 1.4.1.
    {
      name: 'firefox-janus14',
      testMatch: JANUS14_SPECS,
      grep: JANUS14_TESTS,
      use: FIREFOX,
    },
    // Janus 1.4.1's own demo pages and janus.js (scripts/janus14.sh), with real calls.
    {
      name: 'media-janus14',
      testMatch: '**/webrtc-janusjs14.spec.ts',
      use: {
        launchOptions: {
          executablePath,
          args: [...args, '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream'],
        },
      },
    },
    // Real calls: Chromium's fake camera and microphone, permission granted without a prompt.
    {
      name: 'media',
      testMatch: '**/webrtc*.spec.ts',
      testIgnore: '**/webrtc-janusjs14.spec.ts',
      use: {
        launchOptions: {
          executablePath,
          args: [...args, '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream'],
        },
      },
    },
    // The same specs in Firefox, media included (fake camera and microphone, no prompt). Specs
    // that need CDP or Chromium's launch flags skip themselves there and say why; the
    // engine-neutral ones (the packed consumer) run in Chromium only.
    {
      name: 'firefox',
      // Janus's own demo pages through the janus.js adapter: Chromium (the bar they are held to); the adapter
      // adds nothing engine-specific to what the keeper specs prove here.
      testIgnore: ['**/consumer.spec.ts', '**/webrtc-janusjs-*.spec.ts', '**/webrtc-janusjs14.spec.ts', '**/docs-site.spec.ts'],
      // The keeper's own logic (backoff, attempt limits, bad input, timers), proven in Chromium and
      // by the simulation: once is enough. Firefox runs what the engine decides (its sockets,
      // workers, locks, storage, lifecycle, media).
      grepInvert: /retries follow the backoff|requests issued during an outage all settle|twenty tabs firing online|bad arguments through Comlink|with short Janus timers|\(measurement\)/,
      use: FIREFOX,
    },
  ],
});
