"""The best ``k`` of a score array, in one order shared by both backends (the same scores give the
same ranking, ties included, whether bm25s or the database supplied them)."""

from __future__ import annotations

import numpy as np


def top_positive(scores: np.ndarray, k: int) -> list[tuple[int, float]]:
    """(index, score) of the ``k`` highest scores above 0, best first."""
    k = min(k, len(scores))
    if k <= 0:
        return []
    top = np.argpartition(-scores, k - 1)[:k]
    top = top[np.argsort(-scores[top])]
    return [(int(i), float(scores[i])) for i in top if scores[i] > 0]
