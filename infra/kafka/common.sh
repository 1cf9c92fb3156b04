# shellcheck shell=bash
# Shared settings for fetch.sh / start.sh / stop.sh. Source it; do not run it.
# shellcheck disable=SC2034 # variables are used by the scripts that source this file

KAFKA_SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
KAFKA_REPO_ROOT="$(cd "$KAFKA_SCRIPT_DIR/../.." && pwd)"

KAFKA_VERSION="${KAFKA_VERSION:-4.3.1}"
KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
KAFKA_HOST=127.0.0.1
KAFKA_CACHE_DIR="${KAFKA_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/complaints-kafka/$KAFKA_VERSION}"
KAFKA_DATA_DIR="${KAFKA_DATA_DIR:-$KAFKA_REPO_ROOT/.data/kafka}"
KAFKA_START_TIMEOUT="${KAFKA_START_TIMEOUT:-90}"
KAFKA_STOP_TIMEOUT="${KAFKA_STOP_TIMEOUT:-30}"

# Relative paths are taken from the caller's working directory; make them
# absolute so the pid file / config keep working from anywhere.
case "$KAFKA_DATA_DIR" in /*) ;; *) KAFKA_DATA_DIR="$PWD/$KAFKA_DATA_DIR" ;; esac
case "$KAFKA_CACHE_DIR" in /*) ;; *) KAFKA_CACHE_DIR="$PWD/$KAFKA_CACHE_DIR" ;; esac

KAFKA_LIB_DIR="$KAFKA_CACHE_DIR/lib"
KAFKA_CACHE_MARKER="$KAFKA_CACHE_DIR/.complete"
KAFKA_CONFIG_FILE="$KAFKA_DATA_DIR/server.properties"
KAFKA_LOG_DIRS="$KAFKA_DATA_DIR/kraft-logs"
KAFKA_PID_FILE="$KAFKA_DATA_DIR/kafka.pid"
KAFKA_BROKER_LOG="$KAFKA_DATA_DIR/broker.log"
KAFKA_CLUSTER_ID_FILE="$KAFKA_DATA_DIR/cluster.id"

kafka_log() { printf 'kafka: %s\n' "$*"; }
kafka_die() { printf 'kafka: error: %s\n' "$*" >&2; exit 1; }

# What the cache marker must contain for the cached jars to be reused: the
# version and a digest of pom.xml, so editing the pom refetches.
kafka_cache_stamp() {
  local pom_sum
  pom_sum="$(sha256sum "$KAFKA_SCRIPT_DIR/pom.xml" | cut -d' ' -f1)"
  printf 'kafka.version=%s\npom.sha256=%s\n' "$KAFKA_VERSION" "$pom_sum"
}

kafka_cache_complete() {
  [[ -f "$KAFKA_CACHE_MARKER" && -d "$KAFKA_LIB_DIR" ]] &&
    [[ "$(cat "$KAFKA_CACHE_MARKER")" == "$(kafka_cache_stamp)" ]]
}

# True when process $1 exists and is not a zombie (an exited broker whose
# parent has not reaped it yet counts as gone).
kafka_alive() {
  local pid="$1" stat
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  stat="$(cat "/proc/$pid/stat" 2>/dev/null)" || return 1
  stat="${stat##*) }"
  [[ "${stat:0:1}" != "Z" ]]
}

# True when $1 is a live process running kafka.Kafka with *this* data dir's
# config (guards against pid reuse and against brokers of other data dirs).
kafka_pid_is_ours() {
  local pid="$1" cmdline
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  [[ -r "/proc/$pid/cmdline" ]] || return 1
  cmdline="$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" || return 1
  [[ "$cmdline" == *" kafka.Kafka $KAFKA_CONFIG_FILE"* ]]
}

# Pid of the broker of this data dir: from the pid file, or, if that is
# missing or stale, by looking for a java process running this exact config.
kafka_running_pid() {
  local pid=""
  if [[ -f "$KAFKA_PID_FILE" ]]; then
    pid="$(cat "$KAFKA_PID_FILE" 2>/dev/null || true)"
    if kafka_pid_is_ours "$pid"; then
      printf '%s\n' "$pid"
      return 0
    fi
  fi
  for pid in $(pgrep -f 'kafka\.Kafka' 2>/dev/null || true); do
    if kafka_pid_is_ours "$pid"; then
      printf '%s\n' "$pid"
      return 0
    fi
  done
  return 1
}

# True when something accepts TCP connections on 127.0.0.1:$1.
kafka_port_in_use() {
  (exec 3<>"/dev/tcp/$KAFKA_HOST/$1") 2>/dev/null
}

kafka_port_owner() {
  if command -v ss >/dev/null 2>&1; then
    ss -ltnpH "sport = :$1" 2>/dev/null | head -3
  fi
}

# Tail of the broker log, limited to the output of the latest start (the part
# after the last "=====" header start.sh writes), at most $1 lines.
kafka_log_tail() {
  local n="${1:-40}" from
  [[ -f "$KAFKA_BROKER_LOG" ]] || return 0
  from="$(grep -n '^===== ' "$KAFKA_BROKER_LOG" | tail -n 1 | cut -d: -f1)"
  printf -- '----- %s (latest start, last %s lines) -----\n' "$KAFKA_BROKER_LOG" "$n" >&2
  tail -n +"${from:-1}" "$KAFKA_BROKER_LOG" | tail -n "$n" >&2
  printf -- '-----\n' >&2
}
