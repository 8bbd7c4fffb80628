#!/usr/bin/env bash
# System packages planbot's tests need: Debian's Chromium for the web-page browser test, and
# an emoji font so the 👍/👎 buttons render in its screenshots.
# Idempotent: does nothing when both are already there. Needs root (or sudo).
set -euo pipefail

EMOJI_FONT=/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf
if [ -x /usr/bin/chromium ] && [ -f "$EMOJI_FONT" ]; then
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

echo "[system-deps] cài chromium, fonts-noto-color-emoji (apt)"
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -q
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium fonts-noto-color-emoji
/usr/bin/chromium --version
