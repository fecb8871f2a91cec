"""The understanding stage: question text → one typed, frozen `Query`."""

from kb.query.understand import Query, retrieval_args, understand

__all__ = ["Query", "retrieval_args", "understand"]
