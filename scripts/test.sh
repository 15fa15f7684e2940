#!/usr/bin/env bash
# Runs earshot's whole test suite, set-up included, on a fresh Debian
# machine: installs Chromium (digest rendering test) and PostgreSQL (store
# tests run on both dialects) when they are missing, starts a throwaway
# PostgreSQL on 127.0.0.1, runs `go test ./...`, and stops it again.
# Extra arguments go to `go test` (for example -run Digest -v).
# Without root (or passwordless sudo) nothing is installed and the tests
# that need those programs skip with a message.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf 'test.sh: %s\n' "$*" >&2; }

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
[ -n "$(pg_bin)" ] || missing+=(postgresql)
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo="sudo"; else sudo="-"; fi
  fi
  if [ "$sudo" = "-" ]; then
    log "cannot install ${missing[*]} (not root); the tests that need them will skip"
  else
    log "installing ${missing[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
fi

pgdir=""
cleanup() {
  if [ -n "$pgdir" ] && [ -f "$pgdir/data/postmaster.pid" ]; then
    as_pg "$(pg_bin)/pg_ctl" -D "$pgdir/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  [ -n "$pgdir" ] && rm -rf "$pgdir"
}
trap cleanup EXIT

# PostgreSQL refuses to run as root; run it as the postgres user then.
as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

if [ -z "${EARSHOT_TEST_POSTGRES:-}" ] && [ -n "$(pg_bin)" ]; then
  bin=$(pg_bin)
  pgdir=$(mktemp -d /tmp/earshot-pg.XXXXXX)
  [ "$(id -u)" = 0 ] && chown postgres "$pgdir"
  as_pg "$bin/initdb" -D "$pgdir/data" -U earshot --auth=trust -E UTF8 >/dev/null
  started=""
  for _ in 1 2 3 4 5; do
    port=$((20000 + RANDOM % 30000))
    if as_pg "$bin/pg_ctl" -D "$pgdir/data" -l "$pgdir/log" -w -t 30 \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $pgdir -c fsync=off" start >/dev/null 2>&1; then
      started=1
      break
    fi
  done
  if [ -n "$started" ]; then
    as_pg "$bin/createdb" -h 127.0.0.1 -p "$port" -U earshot earshot
    export EARSHOT_TEST_POSTGRES="postgres://earshot@127.0.0.1:$port/earshot?sslmode=disable"
    log "PostgreSQL on 127.0.0.1:$port"
  else
    log "PostgreSQL did not start (see below); store tests run on SQLite only"
    cat "$pgdir/log" >&2 || true
  fi
fi

# axe-core (accessibility checks in the browser tests) from the npm
# registry, pinned, into a cache outside the repository; the tests find
# it through EARSHOT_AXE and skip the check when it is absent.
axedir="${XDG_CACHE_HOME:-$HOME/.cache}/earshot-axe"
if [ -z "${EARSHOT_AXE:-}" ]; then
  if [ ! -f "$axedir/node_modules/axe-core/axe.min.js" ] && command -v npm >/dev/null 2>&1; then
    log "installing axe-core into $axedir"
    npm install --silent --no-audit --no-fund --prefix "$axedir" axe-core@4.11.1 >/dev/null 2>&1 || log "npm could not install axe-core; accessibility checks will skip"
  fi
  [ -f "$axedir/node_modules/axe-core/axe.min.js" ] && export EARSHOT_AXE="$axedir/node_modules/axe-core/axe.min.js"
fi

go test -count=1 -timeout 15m "$@" ./...
