#!/usr/bin/env bash
# Installs what a fresh Debian machine lacks for janus-keeper: Debian's `janus` (the real server the
# tests and the demo run) and the three engines the tests drive: `chromium` and `firefox-esr`
# (Playwright), `webkit2gtk-driver` (WebKitWebDriver + MiniBrowser) under `xvfb` (xvfb-run, which
# needs `xauth`). Idempotent: does nothing when all are there.
set -euo pipefail

missing=()
command -v janus >/dev/null 2>&1 || missing+=(janus)
command -v chromium >/dev/null 2>&1 || [ -x "${CHROMIUM_PATH:-/nonexistent}" ] || missing+=(chromium)
command -v firefox-esr >/dev/null 2>&1 || [ -x "${FIREFOX_PATH:-/nonexistent}" ] || missing+=(firefox-esr)
command -v WebKitWebDriver >/dev/null 2>&1 || [ -x "${WEBKIT_WEBDRIVER_PATH:-/nonexistent}" ] || missing+=(webkit2gtk-driver)
command -v xvfb-run >/dev/null 2>&1 || missing+=(xvfb)
command -v xauth >/dev/null 2>&1 || missing+=(xauth)
[ -d /usr/share/janus/demos ] || missing+=(janus-demos)
[ -f /usr/share/javascript/janus-gateway/janus.js ] || missing+=(libjs-janus-gateway)
# nginx with TLS in front of Janus (e2e/tls-proxy.spec.ts): nginx, a test CA, NSS databases that trust it.
[ -x /usr/sbin/nginx ] || missing+=(nginx-light)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
command -v certutil >/dev/null 2>&1 || missing+=(libnss3-tools)

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: janus, chromium, firefox-esr, webkit2gtk-driver, xvfb, nginx, openssl and certutil are installed"
  exit 0
fi

echo "setup: installing Debian packages: ${missing[*]}"
if [ "$(id -u)" -eq 0 ]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  as_root=(sudo -n)
else
  echo "setup: cannot install ${missing[*]}: not root and no password-less sudo." >&2
  echo "setup: install them yourself: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "setup: no apt-get here; install the packages ${missing[*]} (Janus 1.x, Chromium, Firefox ESR, WebKitGTK's WebDriver, Xvfb) by hand." >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
if ! "${as_root[@]}" apt-get update -q >/dev/null || \
   ! "${as_root[@]}" apt-get install -y -q "${missing[@]}" >/dev/null; then
  echo "setup: apt-get could not install ${missing[*]}." >&2
  exit 1
fi
echo "setup: installed ${missing[*]}"
