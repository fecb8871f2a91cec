"""Shared fixtures: the real corpus ingested once, and an index built once per session."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"


@pytest.fixture(scope="session")
def corpus_docs():
    from kb.ingest import load_corpus

    docs, _ = load_corpus(CORPUS)
    return {d.doc_id: d for d in docs}


@pytest.fixture(scope="session")
def built_settings(tmp_path_factory):
    """Settings pointing at a private index of the real corpus, built once."""
    from kb.config import load_settings
    from kb.index import build_index

    index_dir = tmp_path_factory.mktemp("index")
    settings = load_settings(env={}, corpus=CORPUS, index=index_dir)
    build_index(settings, progress=False)
    return settings


@pytest.fixture(scope="session")
def kb(built_settings):
    from kb.api import KnowledgeBase

    return KnowledgeBase(built_settings)


@pytest.fixture
def corpus_copy(tmp_path):
    """A writable copy of the corpus for tests that add or damage files."""
    dst = tmp_path / "corpus"
    shutil.copytree(CORPUS, dst)
    return dst


@pytest.fixture(scope="session")
def bad_uploads() -> dict[str, tuple[str, bytes]]:
    """The damaged, hostile and odd files of tests/badinput_common.py, built once."""
    from badinput_common import BAD_UPLOAD_IDS, bad_upload_files

    uploads = bad_upload_files()
    assert set(BAD_UPLOAD_IDS) | {"no-targets"} == set(uploads)
    return uploads


_INDEX_FIXTURES = {"kb", "built_settings"}


def pytest_collection_modifyitems(config, items):
    """Every test is `unit` (no index) or `integration` (uses the one index built per session):
    `pytest -m unit` runs in seconds; `slow` tests are marked where they stand."""
    for item in items:
        uses_index = bool(_INDEX_FIXTURES & set(getattr(item, "fixturenames", ())))
        item.add_marker(pytest.mark.integration if uses_index else pytest.mark.unit)
