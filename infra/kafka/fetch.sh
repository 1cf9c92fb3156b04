#!/usr/bin/env bash
# Fetch the Apache Kafka broker jars into $KAFKA_CACHE_DIR/lib (once).
# Skips Maven entirely when the cache is complete (marker file matches the
# version and pom.xml). Maven's own ~/.m2 cache is used as well.
set -euo pipefail
# shellcheck source=common.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/common.sh"

if kafka_cache_complete; then
  exit 0
fi

command -v mvn >/dev/null 2>&1 || kafka_die "mvn not found on PATH (needed once to fetch the Kafka $KAFKA_VERSION jars)"
mkdir -p "$KAFKA_CACHE_DIR"

# Serialise concurrent fetches of the same cache dir.
exec 9>"$KAFKA_CACHE_DIR/.lock"
flock 9
if kafka_cache_complete; then
  exit 0
fi

kafka_log "fetching Apache Kafka $KAFKA_VERSION jars into $KAFKA_CACHE_DIR/lib (first run: ~44 MB of jars; up to ~67 MB from Maven Central when ~/.m2 is empty)"
tmp_lib="$KAFKA_CACHE_DIR/lib.tmp.$$"
rm -rf "$tmp_lib"
trap 'rm -rf "$tmp_lib"' EXIT

mvn_log="$KAFKA_CACHE_DIR/fetch.log"
# shellcheck disable=SC2086 # KAFKA_MVN_ARGS is a word list on purpose
if ! mvn -q -B -f "$KAFKA_SCRIPT_DIR/pom.xml" ${KAFKA_MVN_ARGS:-} \
  "-Dkafka.version=$KAFKA_VERSION" \
  dependency:copy-dependencies "-DoutputDirectory=$tmp_lib" >"$mvn_log" 2>&1; then
  tail -n 30 "$mvn_log" >&2 || true
  kafka_die "Maven could not fetch org.apache.kafka:kafka_2.13:$KAFKA_VERSION (full log: $mvn_log)"
fi

[[ -f "$tmp_lib/kafka_2.13-$KAFKA_VERSION.jar" ]] || kafka_die "kafka_2.13-$KAFKA_VERSION.jar missing after fetch (see $mvn_log)"

rm -rf "$KAFKA_LIB_DIR"
mv "$tmp_lib" "$KAFKA_LIB_DIR"
kafka_cache_stamp >"$KAFKA_CACHE_MARKER"
kafka_log "fetched $(find "$KAFKA_LIB_DIR" -name '*.jar' | wc -l) jars ($(du -sh "$KAFKA_LIB_DIR" | cut -f1))"
