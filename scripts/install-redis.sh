#!/usr/bin/env bash
# Installs Debian's redis-server, the Redis that `gomem whatif --queue`'s
# test (test/whatif/queue.test.ts) starts on 127.0.0.1 for BullMQ's queue.
# Idempotent: apt-get runs only when redis-server is missing. Debian's
# package also starts a system service on port 6379; the test starts its own
# server on a free port and does not use it. Run as root (or with sudo).
#
#   scripts/install-redis.sh            install it if missing
#   scripts/install-redis.sh --dry-run  say what would be done, change nothing
set -euo pipefail

dry=0
case "${1:-}" in
  --dry-run) dry=1 ;;
  "") ;;
  *) echo "install-redis.sh: unknown option $1 (accepted: --dry-run)" >&2; exit 2 ;;
esac

run() {
  if [ "$dry" = 1 ]; then echo "would run: $*"; else echo "+ $*"; "$@"; fi
}

if command -v redis-server >/dev/null 2>&1; then
  echo "ok: $(redis-server --version 2>/dev/null || echo redis-server) is installed"
  exit 0
fi

if [ "$dry" = 0 ] && [ "$(id -u)" != 0 ]; then
  echo "install-redis.sh: needs root (apt-get); try: sudo $0" >&2
  exit 2
fi

run apt-get update
run env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends redis-server

if [ "$dry" = 0 ]; then
  if command -v redis-server >/dev/null 2>&1; then
    echo "ok: $(redis-server --version 2>/dev/null)"
  else
    echo "install-redis.sh: redis-server is still not on PATH" >&2
    exit 1
  fi
fi
