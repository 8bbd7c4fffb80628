#!/usr/bin/env bash
# System packages planbot's tests need: Debian's Chromium for the web-page browser test.
# Idempotent: does nothing when /usr/bin/chromium is already there. Needs root (or sudo).
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
  echo "[system-deps] chromium đã có: $(/usr/bin/chromium --version 2>/dev/null || echo /usr/bin/chromium)"
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "[system-deps] không có apt-get; hãy tự cài Chromium tại /usr/bin/chromium" >&2
  exit 1
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
  else
    echo "[system-deps] cần quyền root để cài chromium" >&2
    exit 1
  fi
fi

echo "[system-deps] cài chromium (apt)"
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -q
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium
/usr/bin/chromium --version
