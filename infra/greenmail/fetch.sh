#!/usr/bin/env bash
# Fetch the GreenMail standalone jar into $GREENMAIL_CACHE_DIR (once).
# Prints the jar's path. Skips Maven entirely when the jar is already cached;
# Maven's own ~/.m2 cache is used as well.
set -euo pipefail
SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
GREENMAIL_VERSION="${GREENMAIL_VERSION:-2.1.3}"
GREENMAIL_CACHE_DIR="${GREENMAIL_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/complaints-greenmail/$GREENMAIL_VERSION}"
JAR="$GREENMAIL_CACHE_DIR/greenmail-standalone-$GREENMAIL_VERSION.jar"
die() { printf 'greenmail: %s\n' "$*" >&2; exit 1; }

if [[ -s "$JAR" ]]; then
  printf '%s\n' "$JAR"
  exit 0
fi
command -v mvn >/dev/null 2>&1 || die "mvn not found on PATH (needed once to fetch com.icegreen:greenmail-standalone:$GREENMAIL_VERSION)"
mkdir -p "$GREENMAIL_CACHE_DIR"
exec 9>"$GREENMAIL_CACHE_DIR/.lock"
flock 9
if [[ ! -s "$JAR" ]]; then
  printf 'greenmail: fetching com.icegreen:greenmail-standalone:%s from Maven Central into %s (~10 MB, once)\n' "$GREENMAIL_VERSION" "$GREENMAIL_CACHE_DIR" >&2
  tmp="$GREENMAIL_CACHE_DIR/tmp.$$"
  trap 'rm -rf "$tmp"' EXIT
  if ! mvn -q -B -f "$SCRIPT_DIR/pom.xml" "-Dgreenmail.version=$GREENMAIL_VERSION" \
    dependency:copy-dependencies "-DoutputDirectory=$tmp" >"$GREENMAIL_CACHE_DIR/fetch.log" 2>&1; then
    tail -n 30 "$GREENMAIL_CACHE_DIR/fetch.log" >&2 || true
    die "Maven could not fetch com.icegreen:greenmail-standalone:$GREENMAIL_VERSION (full log: $GREENMAIL_CACHE_DIR/fetch.log)"
  fi
  [[ -s "$tmp/greenmail-standalone-$GREENMAIL_VERSION.jar" ]] || die "greenmail-standalone-$GREENMAIL_VERSION.jar missing after the fetch"
  mv "$tmp/greenmail-standalone-$GREENMAIL_VERSION.jar" "$JAR"
fi
printf '%s\n' "$JAR"
