#!/usr/bin/env bash
# Install the Debian packages needed to build, run and test omsd.
# Idempotent: only missing packages are installed; silent when nothing is missing.
set -euo pipefail

export DEBIAN_FRONTEND=noninteractive

PKGS=(
  build-essential cmake pkg-config
  libmicrohttpd-dev libpq-dev libjansson-dev uuid-dev libssl-dev check libcurl4-openssl-dev
  postgresql-15 postgresql-client-15
  curl ca-certificates
  libx12-parser-perl
)
# Node.js/npm (for the OpenAPI linter) may come from elsewhere; only ask apt when absent.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  PKGS+=(nodejs npm)
fi

missing=()
for p in "${PKGS[@]}"; do
  # dpkg -s succeeds for removed-but-configured packages too; check the real status.
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$'; then
    missing+=("$p")
  fi
done

[ "${#missing[@]}" -eq 0 ] && exit 0

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO=(sudo env DEBIAN_FRONTEND=noninteractive)
  else
    echo "install-deps: missing packages (${missing[*]}) and not root, no sudo" >&2
    exit 1
  fi
fi

echo "install-deps: installing ${missing[*]}" >&2
"${SUDO[@]}" apt-get update -qq
"${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
echo "install-deps: done" >&2
