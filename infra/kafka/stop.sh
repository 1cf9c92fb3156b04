#!/usr/bin/env bash
# Stop the broker started by start.sh for this data dir: SIGTERM (controlled
# shutdown), wait up to $KAFKA_STOP_TIMEOUT s, then SIGKILL. Idempotent.
set -euo pipefail
# shellcheck source=common.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/common.sh"

if [[ ! -d "$KAFKA_DATA_DIR" ]]; then
  kafka_log "no broker running (no data dir $KAFKA_DATA_DIR)"
  exit 0
fi

# Wait for a concurrent start.sh on this data dir to finish first.
exec 8>"$KAFKA_DATA_DIR/.start.lock"
if ! flock -w "$((KAFKA_START_TIMEOUT + 30))" 8; then
  kafka_log "warning: start lock still held after $((KAFKA_START_TIMEOUT + 30))s; stopping anyway" >&2
fi

if ! pid="$(kafka_running_pid)"; then
  rm -f "$KAFKA_PID_FILE"
  kafka_log "no broker running (data $KAFKA_DATA_DIR)"
  exit 0
fi

kill -TERM "$pid" 2>/dev/null || true
deadline=$((SECONDS + KAFKA_STOP_TIMEOUT))
while kafka_alive "$pid" && ((SECONDS < deadline)); do
  sleep 0.2
done

how="stopped"
if kafka_alive "$pid"; then
  kafka_log "broker pid $pid still alive after ${KAFKA_STOP_TIMEOUT}s; sending SIGKILL" >&2
  kill -KILL "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do
    kafka_alive "$pid" || break
    sleep 0.1
  done
  kafka_alive "$pid" && kafka_die "broker pid $pid survived SIGKILL"
  how="killed"
fi

rm -f "$KAFKA_PID_FILE"
kafka_log "broker $how (pid $pid, data $KAFKA_DATA_DIR)"
