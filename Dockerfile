# syntax=docker/dockerfile:1
# Multi-stage build of omsd on Debian 12.

FROM debian:12-slim AS build
ENV DEBIAN_FRONTEND=noninteractive
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      build-essential cmake pkg-config \
      libmicrohttpd-dev libpq-dev libjansson-dev uuid-dev libssl-dev \
      check libcurl4-openssl-dev ca-certificates \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
# Build outside /src so a build/ directory copied from the host cannot interfere.
RUN cmake -S /src -B /out -DCMAKE_BUILD_TYPE=Release -DOMS_SANITIZE=OFF \
 && cmake --build /out -j"$(nproc)" --target omsd

FROM debian:12-slim AS runtime
ENV DEBIAN_FRONTEND=noninteractive
# curl is for the compose healthcheck (and brings libcurl4 should omsd link it).
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libmicrohttpd12 libpq5 libjansson4 libuuid1 libssl3 \
      ca-certificates curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --no-create-home --shell /usr/sbin/nologin omsd
COPY --from=build /out/omsd /usr/local/bin/omsd
COPY --from=build /src/migrations /usr/share/omsd/migrations
ENV OMS_MIGRATIONS_DIR=/usr/share/omsd/migrations \
    OMS_PORT=8080
USER omsd
EXPOSE 8080
CMD ["omsd"]
