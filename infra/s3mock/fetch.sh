#!/usr/bin/env bash
# Fetch the Adobe S3Mock jar (com.adobe.testing:s3mock:$S3MOCK_VERSION:exec) into
# $S3MOCK_CACHE_DIR once, with Maven from Maven Central (Maven's ~/.m2 cache is used too).
# Prints the jar's path.
set -euo pipefail
S3MOCK_SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
S3MOCK_VERSION="${S3MOCK_VERSION:-4.7.0}"
S3MOCK_CACHE_DIR="${S3MOCK_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/complaints-s3mock/$S3MOCK_VERSION}"
JAR="$S3MOCK_CACHE_DIR/s3mock-$S3MOCK_VERSION-exec.jar"

if [[ -s "$JAR" ]]; then printf '%s\n' "$JAR"; exit 0; fi
command -v mvn >/dev/null 2>&1 || { printf 's3mock: error: mvn not found on PATH (needed once to fetch S3Mock %s)\n' "$S3MOCK_VERSION" >&2; exit 1; }
mkdir -p "$S3MOCK_CACHE_DIR"
exec 9>"$S3MOCK_CACHE_DIR/.lock"
flock 9
if [[ -s "$JAR" ]]; then printf '%s\n' "$JAR"; exit 0; fi

printf 's3mock: fetching com.adobe.testing:s3mock:%s (exec jar, ~60 MB) into %s\n' "$S3MOCK_VERSION" "$S3MOCK_CACHE_DIR" >&2
tmp="$S3MOCK_CACHE_DIR/tmp.$$"
rm -rf "$tmp"
trap 'rm -rf "$tmp"' EXIT
log="$S3MOCK_CACHE_DIR/fetch.log"
if ! mvn -q -B -f "$S3MOCK_SCRIPT_DIR/pom.xml" "-Ds3mock.version=$S3MOCK_VERSION" dependency:copy-dependencies "-DoutputDirectory=$tmp" >"$log" 2>&1; then
  tail -n 30 "$log" >&2 || true
  printf 's3mock: error: Maven could not fetch com.adobe.testing:s3mock:%s:exec (full log: %s)\n' "$S3MOCK_VERSION" "$log" >&2
  exit 1
fi
[[ -s "$tmp/s3mock-$S3MOCK_VERSION-exec.jar" ]] || { printf 's3mock: error: s3mock-%s-exec.jar missing after fetch (see %s)\n' "$S3MOCK_VERSION" "$log" >&2; exit 1; }
mv "$tmp/s3mock-$S3MOCK_VERSION-exec.jar" "$JAR"
printf '%s\n' "$JAR"
