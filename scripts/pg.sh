#!/usr/bin/env bash
# Local PostgreSQL 15 cluster for development and tests.
#
#   scripts/pg.sh start DATADIR [PORT]   init (if needed) + start + ensure role/db "oms"
#   scripts/pg.sh stop  DATADIR          fast shutdown if running
#   scripts/pg.sh url   DATADIR          print postgresql://oms@127.0.0.1:PORT/oms
#
# The cluster listens on 127.0.0.1 only, with trust auth. The application role
# "oms" is NOT a superuser (the schema relies on FORCE ROW LEVEL SECURITY,
# which superusers bypass). OMS_PG_FAST=1 turns off fsync & co. (tests only).
#
# Running as root: PostgreSQL refuses to run as root, so initdb/pg_ctl run as
# the "postgres" system user via runuser. If that user cannot reach DATADIR
# (e.g. the checkout lives under a mode-700 /root), the cluster is placed in
# /tmp/oms-pg.XXXXXX instead and DATADIR only holds a pointer file
# (DATADIR/.pgpath) naming it. All PG tool output goes to CLUSTER/log; this
# script prints short status lines on stderr, and the log tail on failure.
set -euo pipefail

say() { echo "pg.sh: $*" >&2; }
die() { say "$*"; exit 1; }

usage() {
  echo "usage: $0 start DATADIR [PORT] | stop DATADIR | url DATADIR" >&2
  exit 2
}

[ $# -ge 2 ] || usage
CMD=$1
DATADIR=$2
PORT_ARG=${3:-}

# --- binaries ---------------------------------------------------------------
BINDIR=/usr/lib/postgresql/15/bin
if [ ! -x "$BINDIR/pg_ctl" ]; then
  if command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/pg_ctl" ]; then
    BINDIR=$(pg_config --bindir)
  else
    die "PostgreSQL 15 server binaries not found (run scripts/install-deps.sh)"
  fi
fi

IS_ROOT=0
[ "$(id -u)" -eq 0 ] && IS_ROOT=1

# Run a PG server tool as the right user (postgres when we are root), from /
# so that an unreadable current directory does not produce warnings.
as_pg() {
  if [ "$IS_ROOT" -eq 1 ]; then
    (cd / && runuser -u postgres -- "$@")
  else
    (cd / && "$@")
  fi
}

# Absolute path without requiring it to exist.
abspath() {
  case $1 in
    /*) printf '%s\n' "$1" ;;
    *) printf '%s/%s\n' "$PWD" "$1" ;;
  esac
}

DATADIR=$(abspath "${DATADIR%/}")
case $DATADIR in
  *\'* | *' '*) die "DATADIR must not contain quotes or spaces: $DATADIR" ;;
esac

# The physical cluster directory: DATADIR itself, or the one DATADIR/.pgpath names.
cluster_dir() {
  if [ -f "$DATADIR/.pgpath" ]; then
    cat "$DATADIR/.pgpath"
  else
    printf '%s\n' "$DATADIR"
  fi
}

pg_running() { # $1 = cluster dir
  [ -f "$1/PG_VERSION" ] || return 1
  as_pg "$BINDIR/pg_ctl" status -D "$1" >/dev/null 2>&1
}

show_log_tail() {
  if [ -f "$1/log" ]; then
    say "last lines of $1/log:"
    tail -n 20 "$1/log" >&2 || true
  fi
}

port_free() { # true when nothing listens on 127.0.0.1:$1
  ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

pick_port() {
  local p
  for _ in $(seq 1 100); do
    p=$((20000 + RANDOM % 40001))
    if port_free "$p"; then
      echo "$p"
      return 0
    fi
  done
  die "no free TCP port found on 127.0.0.1"
}

# Can the postgres user traverse directory $1 (and all its ancestors)?
pg_user_can_traverse() {
  runuser -u postgres -- test -d "$1" -a -x "$1" 2>/dev/null
}

# --- commands ---------------------------------------------------------------
cmd_url() {
  local c port
  c=$(cluster_dir)
  [ -f "$c/oms_port" ] || die "no cluster at $DATADIR (run: $0 start $DATADIR)"
  port=$(cat "$c/oms_port")
  echo "postgresql://oms@127.0.0.1:${port}/oms"
}

cmd_stop() {
  local c
  c=$(cluster_dir)
  if pg_running "$c"; then
    if as_pg "$BINDIR/pg_ctl" stop -D "$c" -m fast -w >>"$c/log" 2>&1; then
      say "stopped ($c)"
    else
      show_log_tail "$c"
      die "pg_ctl stop failed for $c"
    fi
  else
    say "not running ($c)"
  fi
}

ensure_cluster() { # sets CLUSTER
  CLUSTER=$(cluster_dir)
  if [ -f "$CLUSTER/PG_VERSION" ]; then
    return 0
  fi
  if [ "$DATADIR" != "$CLUSTER" ] && [ ! -d "$CLUSTER" ]; then
    # Pointer to a vanished /tmp cluster: start over.
    rm -f "$DATADIR/.pgpath"
    CLUSTER=$DATADIR
  fi

  if [ "$IS_ROOT" -eq 1 ]; then
    command -v runuser >/dev/null 2>&1 || die "runuser not found"
    id postgres >/dev/null 2>&1 || die "system user 'postgres' missing (install postgresql-15)"
    mkdir -p "$(dirname "$DATADIR")"
    if [ "$CLUSTER" = "$DATADIR" ] && ! pg_user_can_traverse "$(dirname "$DATADIR")"; then
      mkdir -p "$DATADIR"
      CLUSTER=$(mktemp -d /tmp/oms-pg.XXXXXX)
      printf '%s\n' "$CLUSTER" >"$DATADIR/.pgpath"
      say "postgres user cannot reach $DATADIR; cluster placed in $CLUSTER (see $DATADIR/.pgpath)"
    fi
    mkdir -p "$CLUSTER"
    chown postgres:postgres "$CLUSTER"
  else
    mkdir -p "$CLUSTER"
  fi
  chmod 700 "$CLUSTER"

  # initdb wants an empty directory: capture its output aside, then move it into the log.
  local tmplog
  tmplog=$(mktemp /tmp/oms-initdb.XXXXXX)
  chmod 644 "$tmplog"
  say "initdb $CLUSTER"
  if ! as_pg "$BINDIR/initdb" -D "$CLUSTER" -A trust -U postgres --encoding=UTF8 --locale=C >"$tmplog" 2>&1; then
    cat "$tmplog" >&2
    rm -f "$tmplog"
    die "initdb failed"
  fi
  cat "$tmplog" >>"$CLUSTER/log"
  rm -f "$tmplog"
  [ "$IS_ROOT" -eq 1 ] && chown postgres:postgres "$CLUSTER/log"
  return 0
}

start_server() { # $1 = port; returns non-zero if pg_ctl start failed
  local port=$1 opts sock
  # Unix socket path must fit in sun_path (~107 bytes); we connect over TCP anyway.
  if [ $(( ${#CLUSTER} + 20 )) -lt 100 ]; then
    sock="-k '$CLUSTER'"
  else
    sock="-c unix_socket_directories=''"
  fi
  opts="-p $port $sock -c listen_addresses=127.0.0.1 -c max_connections=200"
  if [ "${OMS_PG_FAST:-0}" = "1" ]; then
    opts="$opts -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  fi
  touch "$CLUSTER/log"
  [ "$IS_ROOT" -eq 1 ] && chown postgres:postgres "$CLUSTER/log"
  # pg_ctl's own output is appended to the same log the server writes (both O_APPEND).
  # shellcheck disable=SC2094
  as_pg "$BINDIR/pg_ctl" start -D "$CLUSTER" -l "$CLUSTER/log" -w -t 60 -o "$opts" >>"$CLUSTER/log" 2>&1
}

ensure_role_db() { # $1 = port
  local port=$1
  "$BINDIR/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres -d postgres \
    >>"$CLUSTER/log" 2>&1 <<'SQL'
SELECT 'CREATE ROLE oms LOGIN' WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'oms') \gexec
ALTER ROLE oms LOGIN NOSUPERUSER NOCREATEROLE NOBYPASSRLS;
SELECT 'CREATE DATABASE oms OWNER oms' WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = 'oms') \gexec
ALTER DATABASE oms OWNER TO oms;
SQL
}

cmd_start() {
  local port auto=0 tries
  ensure_cluster

  if [ -n "$PORT_ARG" ]; then
    case $PORT_ARG in *[!0-9]*) die "bad port: $PORT_ARG" ;; esac
    port=$PORT_ARG
  elif [ -f "$CLUSTER/oms_port" ]; then
    port=$(cat "$CLUSTER/oms_port")
  else
    port=$(pick_port)
    auto=1
  fi

  if pg_running "$CLUSTER"; then
    # Already up: keep it, trust the port it was started with.
    [ -f "$CLUSTER/oms_port" ] && port=$(cat "$CLUSTER/oms_port")
    say "already running on port $port ($CLUSTER)"
  else
    tries=0
    until start_server "$port"; do
      tries=$((tries + 1))
      # A freshly picked port may have been taken meanwhile: pick another.
      if [ "$auto" -eq 1 ] && [ "$tries" -lt 3 ] && ! pg_running "$CLUSTER"; then
        port=$(pick_port)
        say "start failed, retrying on port $port"
        continue
      fi
      show_log_tail "$CLUSTER"
      die "pg_ctl start failed (log: $CLUSTER/log)"
    done
    say "started on 127.0.0.1:$port ($CLUSTER)"
  fi
  printf '%s\n' "$port" >"$CLUSTER/oms_port"

  if ! ensure_role_db "$port"; then
    show_log_tail "$CLUSTER"
    die "could not create role/database oms"
  fi
}

case $CMD in
  start) cmd_start ;;
  stop) cmd_stop ;;
  url) cmd_url ;;
  *) usage ;;
esac
