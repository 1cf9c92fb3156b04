# One image recipe for all five services (intake, triage, handling, callback, reporting).
#
#   docker build --build-arg SERVICE=triage -t complaints-triage .
#   docker run --init -e SERVICE_NAME=triage ... complaints-triage
#
# docker-compose.yml builds it once per service with a different SERVICE build argument;
# every stage up to the last is identical, so the build cache shares them and only the
# final metadata layer differs.
#
# Stages:
#   base    node 20 on Debian bookworm slim, npm 11 (the npm the lockfile is made with)
#   build   npm install -> npm run build (tsc, whole repo, into dist/) -> npm prune --omit=dev
#   runtime the pruned tree, run as the unprivileged "node" user

ARG NODE_IMAGE=node:20-bookworm-slim

# ---------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS base
ARG NPM_VERSION=11
ENV NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_AUDIT=false \
    SCARF_ANALYTICS=false
# node:20 ships npm 10, which ignores package.json "allowScripts" and runs every
# dependency install script; npm 11 honours the allow-list the repository keeps.
RUN npm install -g "npm@${NPM_VERSION}" \
 && npm --version
WORKDIR /app

# ---------------------------------------------------------------------------------------
FROM base AS build
ENV NX_DAEMON=false \
    NX_NO_CLOUD=true
# Dependencies first, so that a source change does not reinstall them.
# `npm install`, not `npm ci`: the lockfile leaves out platform-specific optional
# packages (native binaries), which `npm ci` refuses; `npm install` resolves the ones
# for this platform from the same lockfile.
COPY package.json package-lock.json ./
RUN npm install --no-audit --no-fund
# The sources (see .dockerignore for what stays out of the build context).
COPY . .
RUN npm run build \
 && test -f tools/runtime-paths.cjs \
 && test -d dist/apps
# Runtime needs production dependencies only; drop caches the build left behind.
RUN npm prune --omit=dev --no-audit --no-fund \
 && rm -rf .nx node_modules/.cache /root/.npm

# ---------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
# Which service this image starts (intake|triage|handling|callback|reporting).
# Baked in as the default SERVICE_NAME; the environment can still override it.
ARG SERVICE=""
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    SERVICE_NAME=${SERVICE}
LABEL org.opencontainers.image.title="complaints-platform ${SERVICE}" \
      org.opencontainers.image.description="Complaint-handling platform service (NestJS), distributed topology"
WORKDIR /app
# The whole pruned repository: dist/ (compiled JS, paths preserved), production
# node_modules, tools/runtime-paths.cjs (runtime path aliases), package.json,
# tsconfig.base.json, and any non-TypeScript assets the services read relative to the
# repository root. Owned by root and read-only to the app user on purpose.
COPY --from=build /app /app
# Fail the build, not the container start, when the named service was not compiled.
RUN if [ -n "$SERVICE" ]; then test -f "dist/apps/$SERVICE/src/main.js" \
      || { echo "dist/apps/$SERVICE/src/main.js missing: is SERVICE a service name?" >&2; exit 1; }; fi
USER node
# Defaults per service: intake 3001, triage 3002, handling 3003, callback 3004,
# reporting 3005 (PORT overrides).
EXPOSE 3001 3002 3003 3004 3005
HEALTHCHECK --interval=10s --timeout=5s --start-period=40s --retries=6 \
  CMD node -e "const d={intake:3001,triage:3002,handling:3003,callback:3004,reporting:3005};const p=process.env.PORT||d[process.env.SERVICE_NAME];fetch('http://127.0.0.1:'+p+'/api/health').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"
# exec: node replaces the shell and receives SIGTERM directly (compose also runs an init).
CMD ["sh", "-c", "exec node --enable-source-maps -r ./tools/runtime-paths.cjs \"dist/apps/${SERVICE_NAME:?SERVICE_NAME must be one of intake|triage|handling|callback|reporting}/src/main.js\""]
