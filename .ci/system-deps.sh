#!/usr/bin/env bash
# Makes sure the Debian packages the build (`build`) or the test suite (`test`) use are present. As
# root with apt-get it installs what is missing and says so; otherwise it stops with the exact command.
set -euo pipefail
purpose="${1:-test}"

missing=()
# better-sqlite3 and keytar compile from source against Node's headers; keytar links libsecret.
command -v make >/dev/null || missing+=(make)
command -v g++ >/dev/null || missing+=(g++)
command -v python3 >/dev/null || missing+=(python3)
command -v pkg-config >/dev/null || missing+=(pkg-config)
pkg-config --exists libsecret-1 2>/dev/null || missing+=(libsecret-1-dev)
if [ "$purpose" = test ]; then
  # 001's Python examples run against a live server with requests.
  python3 -c 'import requests' 2>/dev/null || missing+=(python3-requests)
  # promtool validates the /metrics exposition.
  command -v promtool >/dev/null || missing+=(prometheus)
  # The real-sender test runs Alertmanager 0.25 and points its webhook at the server.
  command -v prometheus-alertmanager >/dev/null || missing+=(prometheus-alertmanager)
  # The console's end-to-end tests drive Debian's Chromium; the keychain tests need a Secret Service.
  command -v chromium >/dev/null || missing+=(chromium)
  command -v gnome-keyring-daemon >/dev/null || missing+=(gnome-keyring)
  command -v dbus-run-session >/dev/null || missing+=(dbus)
  command -v dbus-launch >/dev/null || missing+=(dbus-x11)
fi

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
  echo "Installing system packages the tests need: ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  echo "Installed: ${missing[*]}" >&2
else
  echo "The tests need these system packages: ${missing[*]}" >&2
  echo "Install them with: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
