#!/usr/bin/env bash
# Lint docs/openapi.yaml with Redocly CLI (version pinned in package.json and
# package-lock.json; rules in redocly.yaml and .redocly.lint-ignore.yaml).
# Installs the pinned CLI with `npm ci` on first use only. Exits non-zero when
# the spec has errors.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

for tool in node npm npx; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "lint-openapi: '$tool' not found; install Node.js >= 18.17 (Debian: apt-get install nodejs npm)" >&2
        exit 2
    fi
done

if [ ! -d node_modules/@redocly/cli ]; then
    npm ci --no-audit --no-fund --silent
fi

npx --no-install redocly lint docs/openapi.yaml
