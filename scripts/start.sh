#!/usr/bin/env bash
# Install everything, build the index if needed, and start the app on http://127.0.0.1:7860
source "$(dirname "$0")/_venv.sh" ""
echo "[索引] 检查索引，需要时建立（第一次约需 1—2 分钟）……" >&2
.venv/bin/kb build --quiet
echo "[启动] 正在启动应用……" >&2
exec .venv/bin/python app.py "$@"
