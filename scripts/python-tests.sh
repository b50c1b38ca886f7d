#!/usr/bin/env bash
# Lints (ruff check + ruff format --check) every tracked Python file, type-checks the client
# package (mypy, strict, configured in clients/python/pyproject.toml), and runs every pytest suite
# (folders named `tests` or `src/test/python` holding test_*.py), in the cached test venv.
# Runs after `mvnw verify`, so suites may use the built jars under */target/.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="$(bash scripts/python-env.sh)"
mapfile -d "" -t py < <(git ls-files -z "*.py")
"$VENV/bin/ruff" check "${py[@]}"
"$VENV/bin/ruff" format --check "${py[@]}"
(cd clients/python && "$VENV/bin/mypy" --cache-dir "$VENV/.mypy_cache")
mapfile -t suites < <(git ls-files '*test_*.py' | xargs -r -n1 dirname | sort -u |
  grep -E '(^|/)(tests|src/test/python)(/|$)' | awk -F/ '{ for (i = 1; i <= NF; i++) if ($i == "tests" || ($i == "python" && $(i-1) == "test")) { out = $1; for (j = 2; j <= i; j++) out = out "/" $j; print out; break } }' | sort -u)
if [ ${#suites[@]} -eq 0 ]; then
  echo "python-tests: no pytest suites"
  exit 0
fi
PATH="$VENV/bin:$PATH" "$VENV/bin/python" -m pytest -q "${suites[@]}"
