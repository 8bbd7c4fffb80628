#!/usr/bin/env bash
# Install everything planbot needs into .venv on a fresh machine (idempotent).
# torch==2.13.0 (CPU build) goes in first, so nothing pulls a multi-GB CUDA build.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  echo "[install] tạo môi trường ảo .venv"
  "$PYTHON" -m venv .venv
fi

echo "[install] torch==2.13.0 (CPU)"
.venv/bin/pip install --disable-pip-version-check -q "torch==2.13.0"

echo "[install] planbot và các thư viện (pyproject.toml, nhóm dev)"
.venv/bin/pip install --disable-pip-version-check -q -e '.[dev]'

if [ "${PLANBOT_SKIP_SYSTEM_DEPS:-0}" != "1" ] && [ -f scripts/install_system_deps.sh ]; then
  echo "[install] gói hệ thống (Chromium cho kiểm thử giao diện web)"
  bash scripts/install_system_deps.sh
fi

echo "[install] xong: .venv/bin/planbot --help"
