#!/usr/bin/env bash
# System packages planbot's tests need: Debian's Chromium for the web-page browser test, and the
# DejaVu fonts (Vietnamese glyphs) that tests/plangen.py embeds in the PDFs it generates, and an
# emoji font so the 👍/👎 buttons render in the browser screenshots.
# Idempotent: installs only what is missing. Needs root (or sudo).
set -euo pipefail

PKGS=()
[ -x /usr/bin/chromium ] || PKGS+=(chromium)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || PKGS+=(fonts-dejavu-core)
[ -f /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf ] || PKGS+=(fonts-noto-color-emoji)

if [ ${#PKGS[@]} -eq 0 ]; then
  echo "[system-deps] đã có chromium và các phông chữ: $(/usr/bin/chromium --version 2>/dev/null || echo /usr/bin/chromium)"
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "[system-deps] không có apt-get; hãy tự cài: ${PKGS[*]}" >&2
  exit 1
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
  else
    echo "[system-deps] cần quyền root để cài ${PKGS[*]}" >&2
    exit 1
  fi
fi

echo "[system-deps] cài ${PKGS[*]} (apt)"
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -q
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${PKGS[@]}"
/usr/bin/chromium --version
