"""Shared checks for the answer tests."""


def answered_with(kb, question: str, must_contain: list[str]) -> None:
    """The question is answered, and the answer holds every given string."""
    ans = kb.ask(question)
    assert ans.status == "answered", ans.answer
    for s in must_contain:
        assert s in ans.answer, ans.answer
