#!/usr/bin/env bash
# Installs Debian's chromium, the headless browser the browser view's tests
# (test/web) drive through playwright-core. playwright's own browser
# download is not used: this machine reaches Debian's packages and the npm
# registry only. Idempotent: apt-get runs only when chromium is missing.
# Run as root (or with sudo).
#
#   scripts/install-chromium.sh            install it if missing
#   scripts/install-chromium.sh --dry-run  say what would be done, change nothing
set -euo pipefail

dry=0
case "${1:-}" in
  --dry-run) dry=1 ;;
  "") ;;
  *) echo "install-chromium.sh: unknown option $1 (accepted: --dry-run)" >&2; exit 2 ;;
esac

run() {
  if [ "$dry" = 1 ]; then echo "would run: $*"; else echo "+ $*"; "$@"; fi
}

if command -v chromium >/dev/null 2>&1; then
  echo "ok: $(chromium --version 2>/dev/null || echo chromium) is installed"
  exit 0
fi

if [ "$dry" = 0 ] && [ "$(id -u)" != 0 ]; then
  echo "install-chromium.sh: needs root (apt-get); try: sudo $0" >&2
  exit 2
fi

run apt-get update
run env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium

if [ "$dry" = 0 ]; then
  if command -v chromium >/dev/null 2>&1; then
    echo "ok: $(chromium --version 2>/dev/null)"
  else
    echo "install-chromium.sh: chromium is still not on PATH" >&2
    exit 1
  fi
fi
