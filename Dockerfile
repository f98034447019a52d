# Tandem gateway image: docs/deployment.md. Two stages: the first installs (compiling better-sqlite3 if no
# prebuilt fits) and builds; the second carries only production dependencies and runs as a non-root user.
# node-llama-cpp's GPU binaries are replaced by empty packages through package.json `overrides`, so the
# image has the CPU build only (docs/decisions/embedded-cpu-only-install.md).

ARG NODE_VERSION=20.19

FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /app
# Toolchain for native modules that fall back to compiling from source (better-sqlite3).
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
COPY scripts/prepare-build.mjs ./scripts/
# Exactly the committed lock. Its `prepare` step builds nothing yet (no src/ in this layer); `npm run build` below does.
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY bin ./bin
COPY src ./src
COPY models ./models
# The dashboard's front end is built ahead and committed (docs/decisions/dashboard-build.md).
COPY dashboard/dist ./dashboard/dist
RUN npm run build \
 && npm prune --omit=dev --no-audit --no-fund

FROM node:${NODE_VERSION}-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build --chown=root:root /app/package.json /app/package-lock.json ./
COPY --from=build --chown=root:root /app/node_modules ./node_modules
COPY --from=build --chown=root:root /app/dist ./dist
COPY --from=build --chown=root:root /app/bin ./bin
COPY --from=build --chown=root:root /app/src ./src
COPY --from=build --chown=root:root /app/models ./models
COPY --from=build --chown=root:root /app/dashboard/dist ./dashboard/dist
# Code is owned by root and read-only to the gateway; its working directory (the embedded SQLite store's
# default `.tandem/`) is the only place it writes.
RUN mkdir -p /var/lib/tandem /etc/tandem && chown node:node /var/lib/tandem
WORKDIR /var/lib/tandem
USER node
EXPOSE 8421
# Liveness only: /readyz turns 503 while draining, which must not make Docker restart a pod that is
# shutting down on purpose.
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8421/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# node is PID 1 and handles SIGTERM itself (drain, flush the log, exit 0): no shell in between.
ENTRYPOINT ["node", "/app/bin/tandem.js"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8421"]
