#!/usr/bin/env bash
# Installs real Go 1.23 (and strace) the way DESIGN.md says: Debian's
# bookworm-backports suite, package golang-go. The reality harness
# (reality/record.ts) and bench/go need it. Idempotent: it only writes the
# apt source if it differs, only runs apt-get when a package is missing, and
# prints what it did. Run as root (or with sudo).
#
#   scripts/install-go.sh            install what is missing
#   scripts/install-go.sh --dry-run  say what would be done, change nothing
set -euo pipefail

dry=0
case "${1:-}" in
  --dry-run) dry=1 ;;
  "") ;;
  *) echo "install-go.sh: unknown option $1 (accepted: --dry-run)" >&2; exit 2 ;;
esac

run() {
  if [ "$dry" = 1 ]; then echo "would run: $*"; else echo "+ $*"; "$@"; fi
}

if [ "$dry" = 0 ] && [ "$(id -u)" != 0 ]; then
  echo "install-go.sh: needs root (apt-get); try: sudo $0" >&2
  exit 2
fi

sources=/etc/apt/sources.list.d/bookworm-backports.sources
want='Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg'

changed=0
if [ -f "$sources" ] && [ "$(cat "$sources")" = "$want" ]; then
  echo "ok: $sources is already there"
else
  if [ "$dry" = 1 ]; then
    echo "would write $sources"
  else
    printf '%s\n' "$want" > "$sources"
    echo "wrote $sources"
  fi
  changed=1
fi

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

missing=()
installed golang-go || missing+=(golang-go)
installed strace || missing+=(strace)

if [ "${#missing[@]}" = 0 ]; then
  echo "ok: golang-go and strace are installed"
  if [ "$changed" = 1 ]; then run apt-get update; fi
else
  run apt-get update
  if [[ " ${missing[*]} " == *" golang-go "* ]]; then
    run apt-get install -y -t bookworm-backports golang-go
  fi
  if [[ " ${missing[*]} " == *" strace "* ]]; then
    run apt-get install -y strace
  fi
fi

if [ "$dry" = 0 ]; then
  v="$(go version 2>/dev/null || true)"
  case "$v" in
    *go1.23*) echo "ok: $v" ;;
    "") echo "install-go.sh: go is still not on PATH" >&2; exit 1 ;;
    *) echo "install-go.sh: warning: $v is not Go 1.23; the recordings in reality/ are for Go 1.23" >&2 ;;
  esac
fi
