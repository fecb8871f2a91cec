# Sourced by start.sh and test.sh: make .venv with Python 3.11+ and install the project into it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PY=${PYTHON:-}
if [ -z "$PY" ]; then
  for cand in python3.11 python3.12 python3; do
    if command -v "$cand" >/dev/null 2>&1 && "$cand" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then PY=$cand; break; fi
  done
fi
[ -n "$PY" ] || { echo "error: Python 3.11 or newer is needed (set PYTHON=/path/to/python3.11)" >&2; exit 2; }
[ -x .venv/bin/python ] || "$PY" -m venv .venv
EXTRAS=${1:-}
stamp=".venv/.installed${EXTRAS:+-$EXTRAS}"
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  .venv/bin/python -m pip install -q --upgrade pip >/dev/null 2>&1 || true
  .venv/bin/python -m pip install -q -e ".${EXTRAS:+[$EXTRAS]}"
  touch "$stamp"
fi
