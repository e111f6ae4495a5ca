#!/usr/bin/env bash
# The core of the suite again on Janus 1.4.1 (built by scripts/build-janus.sh from ../shared/janus-src):
# the Node real-Janus tests (session layer, keepers, stock timers) and the Playwright project
# `chromium-janus14`. Where the source is absent (a clone without ../shared) it says so in one line
# and exits 0: `npm test` then runs on Debian's Janus only.
set -uo pipefail
cd "$(dirname "$0")/.."
prefix=$(bash scripts/build-janus.sh 2>/dev/null)
rc=$?
if [ "$rc" -eq 3 ]; then
  echo "janus14: no Janus 1.4.1 source (../shared/janus-src): the suite ran on Debian's Janus 1.1.2 only"
  exit 0
elif [ "$rc" -ne 0 ]; then
  echo "janus14: building Janus 1.4.1 failed (bash scripts/build-janus.sh shows why)" >&2
  exit 1
fi
prefix=$(printf '%s\n' "$prefix" | tail -1)
export JANUS_PREFIX=$prefix
echo "janus14: Janus $("$prefix/bin/janus" --version 2>/dev/null | head -1) at JANUS_PREFIX"
status=0
node --import tsx --test --test-force-exit --test-concurrency=2 test/session.test.ts test/keeper-*.test.ts test/stock-timers.test.ts || status=1
# Chromium (with the demo pages' calls) and Firefox side by side, as scripts/e2e.sh does on 1.1.2.
(npx playwright test --project=chromium-janus14 --project=media-janus14 --output=test-results/janus14-chromium "$@" 2>&1 \
  | sed -u 's/^/[chromium 1.4.1] /') &
chromium=$!
(npx playwright test --project=firefox-janus14 --output=test-results/janus14-firefox "$@" 2>&1 | sed -u 's/^/[firefox 1.4.1] /') &
firefox=$!
wait "$chromium" || status=1
wait "$firefox" || status=1
exit "$status"
