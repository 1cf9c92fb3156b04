#!/usr/bin/env bash
# Validate the distributed topology without starting it.
#
#   infra/compose/validate.sh
#
# Compose file, best validator available, and it says which one ran:
#   1. `docker compose config -q`      Compose v2 plugin (the authoritative check)
#   2. `docker-compose config -q`      standalone v2 binary (same code as 1)
#   3. Compose v1 (docker-compose 1.x, Python, end-of-life; Debian 12 still ships it):
#      `docker-compose config -q` on a copy without the top-level `name:` key, which
#      v1 predates, PLUS infra/compose/check-schema.mjs (compose-spec JSON schema with
#      merge keys resolved, before and after interpolation, and semantic checks).
#   4. no Compose at all: check-schema.mjs alone.
# 3 and 4 fetch yaml, ajv, ajv-formats and dclint (whose package carries the
# compose-spec schema) from the npm registry into a temporary directory; nothing is
# installed into the repository.
#
# Reverse-proxy config, when a way to run nginx exists (skipped otherwise, and said so):
#   `nginx -t` on a temporary copy (local nginx), or in the nginx image (Docker engine).
#
# Exit status: 0 when every check that ran passed.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
COMPOSE_FILE_PATH="docker-compose.yml"
NGINX_CONF="infra/proxy/nginx.conf"
NGINX_IMAGE="$(sed -n 's/^ *image: *\(nginx:[^ ]*\).*/\1/p' "$COMPOSE_FILE_PATH" | head -n 1)"

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

say() { printf '%s\n' "$*"; }

schema_check() {
  if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    say "compose-spec schema check: SKIPPED (needs node and npm)"
    return 1
  fi
  say "validator: compose-spec JSON schema + semantic checks (infra/compose/check-schema.mjs)"
  printf '{"private":true}\n' > "$TMP/package.json"
  if ! npm install --prefix "$TMP" --no-audit --no-fund --no-save --loglevel=error \
      yaml@2 ajv@8 ajv-formats@3 dclint@3 >"$TMP/npm.log" 2>&1; then
    cat "$TMP/npm.log" >&2
    say "compose-spec schema check: could not install its tools from the npm registry"
    return 1
  fi
  local schema="${COMPOSE_SPEC_SCHEMA:-$TMP/node_modules/dclint/schemas/compose.schema.json}"
  say "  schema: ${COMPOSE_SPEC_SCHEMA:-compose-spec schema bundled with dclint $(node -p "require('$TMP/node_modules/dclint/package.json').version")}"
  node infra/compose/check-schema.mjs "$COMPOSE_FILE_PATH" --deps "$TMP/node_modules" --schema "$schema"
}

compose_status=0
# The secrets have no default (the file refuses to start without them): validate with the
# sample values of .env.example unless a real .env is there.
ENV_FILE=(--env-file .env.example)
if [ -f .env ]; then ENV_FILE=(); fi
if docker compose version >/dev/null 2>&1; then
  say "validator: docker compose $(docker compose version --short) (Compose v2 plugin): docker compose config -q"
  docker compose "${ENV_FILE[@]}" -f "$COMPOSE_FILE_PATH" config -q || compose_status=$?
elif command -v docker-compose >/dev/null 2>&1; then
  version="$(docker-compose version --short 2>/dev/null || docker-compose --version)"
  case "$version" in
    v2.* | 2.*)
      say "validator: docker-compose $version (Compose v2 standalone): docker-compose config -q"
      docker-compose "${ENV_FILE[@]}" -f "$COMPOSE_FILE_PATH" config -q || compose_status=$?
      ;;
    *)
      say "validator: docker-compose $version (Compose v1, end-of-life): docker-compose config -q"
      say "  (on a copy without the top-level 'name:' key, which Compose v1 does not know;"
      say "   Compose v2 is what runs this file)"
      grep -v '^name:' "$COMPOSE_FILE_PATH" > "$TMP/docker-compose.v1.yml"
      docker-compose "${ENV_FILE[@]}" -f "$TMP/docker-compose.v1.yml" --project-directory "$ROOT" config -q || compose_status=$?
      schema_check || compose_status=$?
      ;;
  esac
else
  say "validator: no Docker Compose installed"
  schema_check || compose_status=$?
fi
if [ "$compose_status" -eq 0 ]; then say "compose: OK"; else say "compose: FAILED"; fi

nginx_status=0
nginx_ran=1
if command -v nginx >/dev/null 2>&1; then
  say "validator: $(nginx -v 2>&1) on a temporary copy of $NGINX_CONF: nginx -t"
  mkdir -p "$TMP/nginx/logs"
  # Same file; only the worker user, pid and log paths are adapted to this machine.
  sed -e "s#^user .*#user $(id -un) $(id -gn);#" \
      -e "s#/var/run/nginx.pid#$TMP/nginx/nginx.pid#" \
      -e "s#/var/log/nginx/#$TMP/nginx/logs/#g" \
      "$NGINX_CONF" > "$TMP/nginx/nginx.conf"
  nginx -t -q -p "$TMP/nginx/" -e "$TMP/nginx/logs/error.log" -c "$TMP/nginx/nginx.conf" || nginx_status=$?
elif docker info >/dev/null 2>&1; then
  say "validator: nginx -t in ${NGINX_IMAGE}"
  docker run --rm -v "$ROOT/$NGINX_CONF:/etc/nginx/nginx.conf:ro" "$NGINX_IMAGE" nginx -t -q || nginx_status=$?
else
  say "nginx config: SKIPPED (no nginx binary and no Docker engine here)"
  nginx_ran=0
fi
if [ "$nginx_ran" -eq 1 ]; then
  if [ "$nginx_status" -eq 0 ]; then say "nginx: OK"; else say "nginx: FAILED"; fi
fi

[ "$compose_status" -eq 0 ] && [ "$nginx_status" -eq 0 ]
