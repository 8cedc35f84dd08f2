# syntax=docker/dockerfile:1
# Build: compile TypeScript and better-sqlite3's native addon with the toolchain, then keep
# production dependencies only. The runtime stage has no compiler and runs as a non-root user.
# Node 24 LTS: the newest line better-sqlite3 12 (the version that also runs on Node 20) is known
# to build on. Move to the next LTS together with a better-sqlite3 release that supports it.
FROM node:24-bookworm-slim AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
# better-sqlite3 is compiled here against the image's own Node headers (/usr/local/include/node)
# instead of downloading a prebuilt binary: the build needs only the npm registry, and the addon
# matches the runtime stage, which uses the same base image. (npm warns that it does not know the
# first variable: it is read by better-sqlite3's installer, prebuild-install, not by npm.)
ENV npm_config_build_from_source=better-sqlite3 \
    npm_config_nodedir=/usr/local
WORKDIR /app
# `npm ci` runs `prepare` (tsc → dist/), so the sources and tsconfig files come first.
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm ci --no-audit --no-fund \
 && npm prune --omit=dev --no-audit --no-fund

FROM node:24-bookworm-slim
# The database (and previewed digests in /data/digests) live on the volume. The health listener
# is on in the image, on all interfaces of the container, for the HEALTHCHECK and for Prometheus.
ENV NODE_ENV=production \
    SANCOCHO_DB=/data/sancocho.db \
    SANCOCHO_HEALTH_PORT=8080 \
    SANCOCHO_HEALTH_HOST=0.0.0.0
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin
COPY config ./config
COPY prompts ./prompts
COPY demo ./demo
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 8080
# Slim images have no curl: Node's own fetch asks /healthz (200 healthy, 503 not).
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.SANCOCHO_HEALTH_PORT || 8080) + '/healthz', { signal: AbortSignal.timeout(4000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# The launcher's memory flags (see bin/sancocho.js), given here as `node` runs it: NODE_OPTIONS refuses the second.
ENTRYPOINT ["node", "--max-semi-space-size=1", "--heap-growing-percent=20", "bin/sancocho.js"]
CMD ["start"]
