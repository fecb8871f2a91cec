#!/usr/bin/env bash
# Install everything, build the index if needed, and start the app on http://127.0.0.1:7860
source "$(dirname "$0")/_venv.sh" ""
.venv/bin/kb build --quiet
exec .venv/bin/python app.py "$@"
