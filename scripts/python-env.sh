#!/usr/bin/env bash
# Creates (once) and updates the venv the Python tests and ruff run in; prints its path.
# Cached between runs under $GF_VENV (default ~/.cache/globalfunc/venv); re-installs only when
# scripts/test-requirements.txt changes.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
VENV="${GF_VENV:-$HOME/.cache/globalfunc/venv}"
req="$here/test-requirements.txt"
stamp="$VENV/.requirements.md5"
want="$(md5sum "$req" | cut -d' ' -f1)"
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV" >&2
fi
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check -r "$req" >&2
  echo "$want" >"$stamp"
fi
echo "$VENV"
