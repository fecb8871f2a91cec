# Sourced by start.sh and test.sh: make .venv with Python 3.11+ and install the project into it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PY=${PYTHON:-}
if [ -z "$PY" ]; then
  for cand in python3.11 python3.12 python3; do
    if command -v "$cand" >/dev/null 2>&1 && "$cand" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then PY=$cand; break; fi
  done
fi
[ -n "$PY" ] || { echo "错误：需要 Python 3.11 或更新的版本（可用 PYTHON=/path/to/python3.11 指定）" >&2; exit 2; }
[ -x .venv/bin/python ] || { echo "[安装] 创建虚拟环境 .venv……" >&2; "$PY" -m venv .venv; }
EXTRAS=${1:-}
stamp=".venv/.installed${EXTRAS:+-$EXTRAS}"
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  # pip's and setuptools' own output (English, with warnings a newcomer need not read) goes to a
  # log; the terminal gets one line a step, and the log's end only when the install fails.
  log=.venv/install.log
  echo "[安装] 安装依赖（第一次需要几分钟，详细记录在 $log）……" >&2
  .venv/bin/python -m pip install -q --upgrade pip >"$log" 2>&1 || true
  if ! .venv/bin/python -m pip install -q -e ".${EXTRAS:+[$EXTRAS]}" >>"$log" 2>&1; then
    tail -n 20 "$log" >&2
    echo "错误：安装依赖失败（见上面几行和 $log）— 检查网络或 pip 设置后重新运行" >&2
    exit 1
  fi
  echo "[安装] 依赖已装好" >&2
  touch "$stamp"
fi
# Charts need a CJK font (else every Chinese label is □): install Debian's fonts-noto-cjk when
# missing and we are root, else stop with one line saying what to install.
if ! .venv/bin/python -m kb.chart_font >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "正在安装中文字体 fonts-noto-cjk（图表用）……" >&2
    { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-cjk >/dev/null 2>&1 \
      || { apt-get update -qq >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-cjk >/dev/null 2>&1; }; } || true
  fi
  .venv/bin/python -m kb.chart_font >/dev/null || exit 2
fi
