#!/usr/bin/env bash
# Builds the current Janus (1.4.1) from the source tarball in ../shared/janus-src/ into a cache
# outside the work tree, once per machine, and prints its install prefix on the last line
# (the launcher takes it as JANUS_PREFIX). Debian ships only 1.1.2; no registry here has a newer one.
#
#   bash scripts/build-janus.sh            # build if missing, print the prefix
#   JANUS_SRC=<tarball> bash scripts/build-janus.sh
#
# Exit 3 (and one line on stderr) when the tarball is absent: callers then run on Debian's Janus.
set -euo pipefail
cd "$(dirname "$0")/.."

version=1.4.1
tarball=${JANUS_SRC:-../shared/janus-src/janus-gateway-$version.tar.xz}
cache=${JANUS_KEEPER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/janus-keeper}
prefix=$cache/janus-$version

if [ -x "$prefix/bin/janus" ] && [ -f "$prefix/.built" ]; then
  echo "$prefix"
  exit 0
fi
if [ ! -f "$tarball" ]; then
  echo "build-janus: no Janus $version source ($tarball is absent): the suite runs on Debian's Janus only" >&2
  exit 3
fi

deps=(libmicrohttpd-dev libjansson-dev libssl-dev libsofia-sip-ua-dev libglib2.0-dev libopus-dev libogg-dev
  libcurl4-openssl-dev liblua5.3-dev libconfig-dev pkg-config libtool automake libnice-dev libsrtp2-dev
  libwebsockets-dev libusrsctp-dev gengetopt make gcc)
missing=()
for dep in "${deps[@]}"; do
  dpkg -s "$dep" >/dev/null 2>&1 || missing+=("$dep")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "build-janus: installing ${missing[*]}" >&2
  if [ "$(id -u)" -eq 0 ]; then as_root=(); else as_root=(sudo -n); fi
  export DEBIAN_FRONTEND=noninteractive
  "${as_root[@]}" apt-get update -q >/dev/null
  "${as_root[@]}" apt-get install -y -q "${missing[@]}" >/dev/null
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tar -xJf "$tarball" -C "$work"
cd "$work/janus-gateway-$version"
log=$work/build.log
echo "build-janus: building Janus $version into $prefix (about 80 s on 2 cores)" >&2
{
  sh autogen.sh
  ./configure --prefix="$prefix" --disable-docs --disable-rabbitmq --disable-mqtt --disable-unix-sockets \
    --disable-nanomsg --disable-plugin-sip --disable-plugin-nosip --disable-plugin-audiobridge \
    --disable-plugin-lua --disable-plugin-duktape --disable-plugin-voicemail --disable-all-handlers \
    --disable-all-loggers
  make -j"$(nproc)"
  rm -rf "$prefix"
  make install
} >"$log" 2>&1 || { tail -40 "$log" >&2; echo "build-janus: the build failed" >&2; exit 1; }
# `make install` also puts Janus's own demo pages and janus.js of this version in
# share/janus/html/demos, for the adapter's e2e on them.
touch "$prefix/.built"
echo "$prefix"
