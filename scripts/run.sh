#!/usr/bin/env bash
# Run omsd locally (called by `make run` after building).
#   scripts/run.sh [BUILD_DIR]   (default: build)
# Without DATABASE_URL, a local PostgreSQL cluster is started in .data/pg
# (stop it with `make db-stop`). Migrates, ensures the "Demo" tenant with a
# fresh admin key, then serves on OMS_PORT (default 8080).
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD=${1:-build}
OMSD=$BUILD/omsd
[ -x "$OMSD" ] || { echo "run: $OMSD not built (run: make build)" >&2; exit 1; }

mkdir -p .data

if [ -z "${DATABASE_URL:-}" ]; then
  scripts/pg.sh start .data/pg
  DATABASE_URL=$(scripts/pg.sh url .data/pg)
  export DATABASE_URL
  echo "run: DATABASE_URL=$DATABASE_URL (local cluster in .data/pg; stop with: make db-stop)" >&2
fi

if [ -z "${OMS_ADMIN_TOKEN:-}" ]; then
  if [ -s .data/admin_token ]; then
    OMS_ADMIN_TOKEN=$(cat .data/admin_token)
  else
    OMS_ADMIN_TOKEN=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
    (umask 077 && printf '%s\n' "$OMS_ADMIN_TOKEN" >.data/admin_token)
  fi
  chmod 600 .data/admin_token
  export OMS_ADMIN_TOKEN
  echo "run: operator token (for /v1/tenants) is in .data/admin_token: $OMS_ADMIN_TOKEN" >&2
fi

export OMS_MIGRATIONS_DIR=${OMS_MIGRATIONS_DIR:-$PWD/migrations}

"$OMSD" --migrate
"$OMSD" --demo
exec "$OMSD"
