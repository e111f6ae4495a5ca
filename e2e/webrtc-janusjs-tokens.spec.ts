// Janus's own echotest demo (janus.js, unmodified) on a Janus with signed tokens that expire,
// through the keeper's one added script tag with `data-token-url`: settings.js's token (what the
// demo passes to `new Janus({ token })`) expires in seconds; the keeper takes fresh ones from the
// app's token URL, and the call and its requests go on through the expiries.
import { demosInstalled, serveDemos } from './fixtures/janus-demos.js';
import { dialogs, echoOnDataChannel, echotestAnswers, openDemo, sessionIdOf, startEchotest, videoFlows } from './fixtures/demo-pages.js';
import { startTokenServer } from './fixtures/token-server.js';
import { expect, test } from './fixtures/test.js';

/** Janus checks a signed token's expiry in whole seconds: a 3 s token lives 2-3 s. */
const TOKEN_LIFE_MS = 3_000;

test.skip(!demosInstalled(), 'Debian\'s janus-demos and libjs-janus-gateway are not installed (npm run setup)');
test.use({ janusOptions: { sessionTimeout: 30, reclaimTimeout: 10, tokenAuthSecret: 'keeper-demo-secret' } });

for (const transport of ['ws', 'http'] as const) {
  test(`keeper janus.js over ${transport} with token auth: the echotest call goes on through expiries of its token`,
    async ({ context, janus }) => {
      test.setTimeout(90_000);
      const tokens = await startTokenServer(() => janus.mintToken(TOKEN_LIFE_MS));
      const site = await serveDemos(transport === 'ws' ? janus.wsUrl : janus.httpUrl,
        { token: janus.mintToken(TOKEN_LIFE_MS), tokenUrl: tokens.url });
      try {
        const page = await openDemo(context, site, 'keeper', 'echotest.html');
        await startEchotest(page);
        await echoOnDataChannel(page, 'before');
        const sessionId = await sessionIdOf(page);
        const started = Date.now();
        let answered = 0;
        while (Date.now() - started < 4 * TOKEN_LIFE_MS) {
          expect(await echotestAnswers(page)).toBe('ok');
          answered++;
          await page.waitForTimeout(500);
        }
        await echoOnDataChannel(page, 'after');
        await videoFlows(page, 'echotest');
        expect(await janus.listSessions()).toEqual([sessionId]);
        expect(await dialogs(page)).toEqual([]);
        expect(tokens.calls).toBeGreaterThanOrEqual(4);
        console.log(`[janus.js tokens ${transport}] ${answered} echotest requests through ${4 * TOKEN_LIFE_MS} ms of 3 s tokens, `
          + `${tokens.calls} tokens fetched`);
      } finally {
        await site.close();
        await tokens.close();
      }
    });
}
