"""Shared checks for the answer tests."""


def answered_with(kb, question: str, must_contain: list[str]) -> None:
    """The question's answer holds every given string: asserted, or shown as 请核对原文 (related)
    when the learned selector's probability is below its answer threshold — which of the two is
    the calibrated model's call (tests/test_select.py tests the thresholds), what is picked is
    this test's."""
    ans = kb.ask(question)
    assert ans.status in ("answered", "related"), ans.answer
    for s in must_contain:
        assert s in ans.answer, ans.answer
