#!/usr/bin/env bash
# Run the test suites (called by `make test` after building).
#   scripts/test.sh [BUILD_DIR]   (default: build)
# Starts a throwaway PostgreSQL cluster (fsync off) in /tmp, removed on exit.
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD=${1:-build}
BUILD=${BUILD%/}
case $BUILD in /*) ;; *) BUILD=$PWD/$BUILD ;; esac

fail() { echo "test: FAILED: $*" >&2; exit 1; }

for b in omsd check_unit check_http; do
  [ -x "$BUILD/$b" ] || fail "$BUILD/$b not built (run: make build)"
done

TMPDIR_T=$(mktemp -d /tmp/oms-test.XXXXXX)
# mktemp makes it 0700; as root the cluster runs as "postgres", which must traverse it.
chmod 711 "$TMPDIR_T"
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  scripts/pg.sh stop "$TMPDIR_T/pg" >/dev/null 2>&1 || true
  # Should pg.sh have placed the cluster elsewhere, it says where in .pgpath.
  if [ -f "$TMPDIR_T/pg/.pgpath" ]; then
    rm -rf "$(cat "$TMPDIR_T/pg/.pgpath")"
  fi
  rm -rf "$TMPDIR_T"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

OMS_PG_FAST=1 scripts/pg.sh start "$TMPDIR_T/pg" || fail "could not start PostgreSQL"
OMS_TEST_DATABASE_URL=$(scripts/pg.sh url "$TMPDIR_T/pg")
export OMS_TEST_DATABASE_URL
export OMS_BIN=$BUILD/omsd
export OMS_MIGRATIONS_DIR=$PWD/migrations
# Check's default per-test timeout is 4 s; give slow (sanitizer) builds room.
# Tests that call tcase_set_timeout() keep their own value.
export CK_DEFAULT_TIMEOUT=${CK_DEFAULT_TIMEOUT:-60}

echo "== migrations (twice: must be idempotent)" >&2
DATABASE_URL=$OMS_TEST_DATABASE_URL "$BUILD/omsd" --migrate || fail "omsd --migrate (first run)"
DATABASE_URL=$OMS_TEST_DATABASE_URL "$BUILD/omsd" --migrate || fail "omsd --migrate (second run, not idempotent?)"

echo "== function length (scripts/check-functions.sh)" >&2
scripts/check-functions.sh || fail "a function in src/ is longer than 100 lines"

echo "== unit tests: $BUILD/check_unit" >&2
"$BUILD/check_unit" || fail "unit tests ($BUILD/check_unit)"

echo "== X12 writers read by an independent parser (X12::Parser): tests/x12/check_x12_perl.sh" >&2
tests/x12/check_x12_perl.sh "$BUILD" || fail "X12 independent check (tests/x12/check_x12_perl.sh)"

echo "== integration tests: $BUILD/check_http" >&2
"$BUILD/check_http" || fail "integration tests ($BUILD/check_http)"

if [ -x scripts/lint-openapi.sh ]; then
  echo "== OpenAPI lint" >&2
  scripts/lint-openapi.sh || fail "OpenAPI lint (scripts/lint-openapi.sh)"
elif [ -f scripts/lint-openapi.sh ]; then
  echo "== OpenAPI lint" >&2
  bash scripts/lint-openapi.sh || fail "OpenAPI lint (scripts/lint-openapi.sh)"
fi

echo "test: all suites passed" >&2
