#!/usr/bin/env bash
# The Playwright suite: Chromium (with its media project) and Firefox run side by side, each with
# its own output folder; the suite fails when either does. `npm run test:e2e -- <args>` passes the
# args to both (e.g. a spec file).
set -uo pipefail
cd "$(dirname "$0")/.."
(npx playwright test --project=chromium --project=media --output=test-results/chromium "$@" 2>&1 | sed -u 's/^/[chromium] /') &
chromium=$!
(npx playwright test --project=firefox --output=test-results/firefox "$@" 2>&1 | sed -u 's/^/[firefox] /') &
firefox=$!
status=0
wait "$chromium" || status=1
wait "$firefox" || status=1
exit "$status"
