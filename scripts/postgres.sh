#!/usr/bin/env bash
# A throwaway PostgreSQL + pgvector on loopback, for the postgres backend's tests and benchmarks.
#
#   bash scripts/postgres.sh install   # Debian's PostgreSQL 15 + pgvector 0.8 (as root, apt), when missing
#   bash scripts/postgres.sh start     # installs when missing, starts a cluster, prints its postgresql:// URL
#   bash scripts/postgres.sh url       # the URL of the running cluster
#   bash scripts/postgres.sh replica   # a streaming read-only standby of it (pg_basebackup -R), prints its URL
#   bash scripts/postgres.sh stop      # stops both and removes the folder
#
# The cluster lives in its own temporary folder (KB_PG_DIR, default /tmp/kb-postgres-$UID-<hash of the work tree>) on its
# own port (KB_PG_PORT, default the first free one from 54329); one a work tree, listens on 127.0.0.1 only and
# trusts local connections: it is for tests, never for data anyone keeps (README: 生产部署). shared_buffers
# (KB_PG_SHARED_BUFFERS, default 2GB, taken only as pages are used) holds the 164,000-chunk benchmark's HNSW
# index and posting lists.
#
# pgvector: Debian 12 packages only 0.4 (no HNSW, no sparsevec). Debian 13's source package of
# pgvector (0.8) builds against PostgreSQL 15 in seconds with postgresql-server-dev-15; apt fetches
# that source through a private sources list, leaving the machine's own apt set-up untouched.
set -euo pipefail
PG_MAJOR=${KB_PG_MAJOR:-15}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
# one cluster a work tree (several clones on one machine do not share one)
DIR=${KB_PG_DIR:-/tmp/kb-postgres-$(id -u)-$(echo "$ROOT" | md5sum | cut -c1-8)}
BIN=/usr/lib/postgresql/$PG_MAJOR/bin
say() { echo "$*" >&2; }

have_pgvector() {
  local share
  share=$("$BIN/pg_config" --sharedir 2>/dev/null) || return 1
  [ -f "$share/extension/vector.control" ] || return 1
  # 0.7 or newer: sparsevec and HNSW
  grep -Eq "default_version = '0\.([7-9]|[1-9][0-9])|default_version = '[1-9]" "$share/extension/vector.control"
}

install_pg() {
  if [ -x "$BIN/postgres" ] && [ -x "$BIN/pg_config" ] && have_pgvector; then return 0; fi
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    say "错误：没有 PostgreSQL $PG_MAJOR 和 pgvector 0.7 以上 — 以 root 运行 \`bash scripts/postgres.sh install\`（需要 apt）"
    exit 2
  fi
  export DEBIAN_FRONTEND=noninteractive
  say "[数据库] 安装 PostgreSQL $PG_MAJOR 和编译 pgvector 所需的包……"
  if ! apt-get install -y -qq "postgresql-$PG_MAJOR" "postgresql-server-dev-$PG_MAJOR" dpkg-dev make gcc >/dev/null 2>&1; then
    apt-get update -qq >/dev/null
    apt-get install -y -qq "postgresql-$PG_MAJOR" "postgresql-server-dev-$PG_MAJOR" dpkg-dev make gcc >/dev/null
  fi
  have_pgvector && return 0
  say "[数据库] 从 Debian 13 的源码包编译 pgvector……"
  local work apt_opts
  work=$(mktemp -d /tmp/kb-pgvector-src.XXXXXX)
  mkdir -p "$work/lists/partial" "$work/archives/partial"
  cat >"$work/sources.list" <<'EOF'
deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian trixie main
EOF
  apt_opts=(-o "Dir::Etc::SourceList=$work/sources.list" -o "Dir::Etc::SourceParts=/dev/null"
            -o "Dir::State::Lists=$work/lists" -o "Dir::Cache::Archives=$work/archives" -o "APT::Sandbox::User=root")
  apt-get "${apt_opts[@]}" update -qq >/dev/null
  (cd "$work" && apt-get "${apt_opts[@]}" source -qq --download-only pgvector >/dev/null \
     && dpkg-source -x --no-check pgvector_*.dsc src >/dev/null)
  make -s -C "$work/src" PG_CONFIG="$BIN/pg_config" OPTFLAGS="" >/dev/null
  make -s -C "$work/src" PG_CONFIG="$BIN/pg_config" install >/dev/null
  rm -rf "$work"
  have_pgvector || { say "错误：pgvector 编译安装失败 — 查看上面的输出"; exit 1; }
  say "[数据库] pgvector 已装好"
}

free_port() {
  local port=${KB_PG_PORT:-54329}
  while (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
  echo "$port"
}

# PostgreSQL refuses to run as root: the cluster belongs to the postgres user when we are root.
as_owner() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

url() { echo "postgresql://$(cat "$DIR/user")@127.0.0.1:$(cat "$DIR/port")/kb"; }

start() {
  install_pg
  if [ -f "$DIR/data/postmaster.pid" ] && as_owner "$BIN/pg_ctl" -D "$DIR/data" status >/dev/null 2>&1; then
    url; return 0
  fi
  rm -rf "$DIR"; mkdir -p "$DIR"
  local user port
  user=$(id -un); [ "$user" = root ] && user=postgres
  port=$(free_port)
  echo "$user" >"$DIR/user"; echo "$port" >"$DIR/port"
  [ "$(id -u)" = 0 ] && chown -R postgres "$DIR"
  as_owner "$BIN/initdb" -D "$DIR/data" -U "$user" -A trust -E UTF8 --locale=C.UTF-8 >"$DIR/initdb.log" 2>&1 \
    || { cat "$DIR/initdb.log" >&2; exit 1; }
  cat >>"$DIR/data/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$DIR'
max_connections = 200
shared_buffers = ${KB_PG_SHARED_BUFFERS:-2GB}
maintenance_work_mem = 1GB
max_parallel_maintenance_workers = 1
wal_level = replica
max_wal_senders = 5
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
  echo "host replication all 127.0.0.1/32 trust" >>"$DIR/data/pg_hba.conf"
  as_owner "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w start >/dev/null \
    || { tail -n 20 "$DIR/server.log" >&2; exit 1; }
  as_owner "$BIN/psql" -qAt -h 127.0.0.1 -p "$port" -U "$user" -d postgres -c "CREATE DATABASE kb" >/dev/null
  as_owner "$BIN/psql" -qAt -h 127.0.0.1 -p "$port" -U "$user" -d kb -c "CREATE EXTENSION IF NOT EXISTS vector" >/dev/null
  url
}

# A streaming standby of the running cluster (pg_basebackup -R), read-only, on its own port.
replica() {
  [ -f "$DIR/port" ] || { say "错误：数据库没有运行 — 先运行 \`bash scripts/postgres.sh start\`"; exit 2; }
  if [ -f "$DIR/replica/postmaster.pid" ] && as_owner "$BIN/pg_ctl" -D "$DIR/replica" status >/dev/null 2>&1; then
    echo "postgresql://$(cat "$DIR/user")@127.0.0.1:$(cat "$DIR/replica_port")/kb"; return 0
  fi
  local port user
  user=$(cat "$DIR/user")
  port=$(KB_PG_PORT=$(($(cat "$DIR/port") + 1)) free_port)
  rm -rf "$DIR/replica"
  as_owner "$BIN/pg_basebackup" -h 127.0.0.1 -p "$(cat "$DIR/port")" -U "$user" -D "$DIR/replica" -R -X stream -c fast \
    >"$DIR/basebackup.log" 2>&1 || { cat "$DIR/basebackup.log" >&2; exit 1; }
  echo "port = $port" >>"$DIR/replica/postgresql.conf"
  echo "$port" >"$DIR/replica_port"
  as_owner "$BIN/pg_ctl" -D "$DIR/replica" -l "$DIR/replica.log" -w start >/dev/null \
    || { tail -n 20 "$DIR/replica.log" >&2; exit 1; }
  echo "postgresql://$user@127.0.0.1:$port/kb"
}

stop() {
  if [ -d "$DIR/replica" ]; then
    as_owner "$BIN/pg_ctl" -D "$DIR/replica" -m fast -w stop >/dev/null 2>&1 || true
  fi
  if [ -d "$DIR/data" ]; then
    as_owner "$BIN/pg_ctl" -D "$DIR/data" -m fast -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$DIR"
}

case "${1:-}" in
  install) install_pg ;;
  start) start ;;
  url) [ -f "$DIR/port" ] || { say "错误：数据库没有运行 — 先运行 \`bash scripts/postgres.sh start\`"; exit 2; }; url ;;
  replica) replica ;;
  stop) stop ;;
  *) say "用法：bash scripts/postgres.sh install|start|url|replica|stop"; exit 2 ;;
esac
