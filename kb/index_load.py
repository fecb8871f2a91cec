"""Load the index in use from the configured backend: the embedded files (kb.index_read) or the
database (kb.pg.read, ``KB_BACKEND=postgres``). Kept apart so neither backend imports the other."""

from __future__ import annotations

from kb.config import Settings
from kb.index_read import LoadedIndex, load_embedded


def load_index(settings: Settings, check_corpus: bool = True) -> LoadedIndex:
    """The current index of the configured backend (see load_embedded for what is refused)."""
    if settings.backend == "postgres":
        from kb.pg.read import load_postgres

        return load_postgres(settings, check_corpus)
    return load_embedded(settings, check_corpus)
