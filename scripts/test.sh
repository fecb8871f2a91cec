#!/usr/bin/env bash
# Install everything (with the test extras) and run the test suite.
source "$(dirname "$0")/_venv.sh" test
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 NO_PROXY='*'
.venv/bin/python -m pytest -q "$@"
