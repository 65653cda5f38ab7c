#!/usr/bin/env bash
# Make PostgreSQL, Redis and Chromium available for `make test` / `make run`, then run a command.
#
#   .ci/services.sh test  CMD...   PostgreSQL + Redis + Chromium + nginx, exports TEST_DATABASE_URL/TEST_REDIS_URL
#   .ci/services.sh run   CMD...   Redis only, exports REDIS_URL
#
# Uses the given URLs when set, else the local servers on their default ports, else starts
# throwaway servers from the local binaries (installing Debian packages when root and missing).
# Throwaway servers are stopped when the command ends.
set -euo pipefail
mode=$1; shift
workdir=$(mktemp -d /tmp/reelhouse-services.XXXXXX)
started_pg="" started_redis=""

cleanup() {
  if [ -n "$started_pg" ]; then runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$workdir/pg" -m fast stop >/dev/null 2>&1 || true; fi
  if [ -n "$started_redis" ]; then redis-cli -p "$started_redis" shutdown nosave >/dev/null 2>&1 || true; fi
  rm -rf "$workdir" 2>/dev/null || true
}
trap cleanup EXIT

need_package() {  # need_package COMMAND PACKAGE
  command -v "$1" >/dev/null 2>&1 && return 0
  install_package "$1" "$2"
}

need_file() {  # need_file PATH PACKAGE  (for packages without a command, such as fonts)
  [ -e "$1" ] && return 0
  install_package "$1" "$2"
}

install_package() {  # install_package WHAT PACKAGE
  if [ "$(id -u)" = 0 ]; then
    echo ">> installing $2 (Debian package)"
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null
  else
    echo "!! $1 is missing. Install it with: sudo apt-get install -y $2" >&2
    exit 1
  fi
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

redis_answers() { python3 - "$1" <<'PY'
import socket, sys
from urllib.parse import urlsplit
u = urlsplit(sys.argv[1])
try:
    s = socket.create_connection((u.hostname or "127.0.0.1", u.port or 6379), timeout=1)
    s.sendall(b"PING\r\n"); ok = s.recv(16).startswith(b"+PONG")
except OSError:
    ok = False
sys.exit(0 if ok else 1)
PY
}

ensure_redis() {  # ensure_redis VAR DEFAULT_URL DATA_DIR
  local var=$1 url=${!1:-$2}
  if redis_answers "$url"; then export "$var=$url"; return; fi
  need_package redis-server redis-server
  local port; port=$(free_port)
  mkdir -p "$3"
  redis-server --daemonize yes --bind 127.0.0.1 --port "$port" --save "" --appendonly no \
    --dir "$3" --logfile "$3/redis.log" >/dev/null
  started_redis=$port
  for _ in $(seq 50); do redis_answers "redis://127.0.0.1:$port/0" && break; sleep 0.1; done
  echo ">> started a private Redis on 127.0.0.1:$port"
  export "$var=redis://127.0.0.1:$port/${4:-0}"
}

ensure_postgres() {
  if [ -n "${TEST_DATABASE_URL:-}" ]; then return; fi
  if command -v pg_isready >/dev/null && pg_isready -q -h 127.0.0.1 -p 5432; then
    export TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres; return
  fi
  need_package pg_ctlcluster postgresql
  PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
  local port; port=$(free_port)
  mkdir -p "$workdir/pg"; chown postgres "$workdir" "$workdir/pg" 2>/dev/null || true; chmod 755 "$workdir"
  runuser -u postgres -- "$PG_BIN/initdb" -D "$workdir/pg" -A trust -U postgres >/dev/null
  runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$workdir/pg" -o "-p $port -k $workdir/pg -c listen_addresses=127.0.0.1" -l "$workdir/pg/log" -w start >/dev/null
  started_pg=$port
  echo ">> started a throwaway PostgreSQL on 127.0.0.1:$port"
  export TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:$port/postgres
}

case "$mode" in
  test)
    ensure_postgres
    ensure_redis TEST_REDIS_URL redis://127.0.0.1:6379/15 "$workdir/redis" 15
    need_package chromium chromium
    need_package nginx nginx
    need_package docker-compose docker-compose   # validates docker-compose.yml in the tests
    # Hangul in the Korean screenshots (headless Chromium shows empty boxes without a CJK font).
    need_file /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc fonts-noto-cjk
    export CHROMIUM_PATH=${CHROMIUM_PATH:-/usr/bin/chromium}
    ;;
  run)
    ensure_redis REDIS_URL redis://127.0.0.1:6379/0 "${INSTANCE_PATH:-instance}/redis" 0
    ;;
  *) echo "usage: $0 test|run CMD..." >&2; exit 2 ;;
esac
"$@"
