"""核对 with bounded cost: a cap on the plan's text, a cap on statements, a time budget, progress
and cancellation around ``kb.crosscheck.check_text`` (which keeps the matching rules).

Past the text cap the plan is refused; past the statement cap or the time budget the statements
checked so far are returned with a note saying where the check stopped."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kb.crosscheck import check_text
from kb.errors import BadInput, KBError
from kb.types import Finding

if TYPE_CHECKING:
    from kb.api import KnowledgeBase

MAX_PLAN_CHARS = 2_000_000   # characters of extracted plan text (a 5 MB UTF-8 txt holds about 1.7 million)
MAX_STATEMENTS = 10_000      # target and deadline statements checked in one request
TIME_BUDGET_S = 25.0         # seconds of checking in one app request (kb check has none)


class CheckCancelled(KBError):
    """The user cancelled the check or closed the page."""


@dataclass(frozen=True)
class CheckResult:
    findings: tuple[Finding, ...]
    complete: bool
    note: str = ""  # why the check stopped early, in Chinese ("" when complete)


class _Stop(Exception):
    def __init__(self, note: str) -> None:
        super().__init__(note)
        self.note = note


def limit_plan_text(text: str, name: str = "方案") -> str:
    if len(text) > MAX_PLAN_CHARS:
        raise BadInput(f"{name}的文字过多（{len(text) / 10000:.0f} 万字，上限 {MAX_PLAN_CHARS // 10000} 万字）",
                       "请把方案拆分成几个文件分批核对")
    return text


def run_plan_check(kb: KnowledgeBase, text: str, *, budget_s: float | None = TIME_BUDGET_S,
                   max_statements: int = MAX_STATEMENTS, cancel: threading.Event | None = None,
                   progress: Callable[[float, int], None] | None = None) -> CheckResult:
    """Check ``text``; ``progress(fraction of text done, statements so far)`` is called about every
    200 sentences. Raises CheckCancelled when ``cancel`` is set."""
    limit_plan_text(text)
    started = time.monotonic()
    seen: list[list[Finding]] = []
    count = [0]

    def on_sentence(done: int, findings: list[Finding]) -> None:
        if not seen:
            seen.append(findings)
        if cancel is not None and cancel.is_set():
            raise CheckCancelled("核对已取消", "需要时请重新点击“核对”")
        if len(findings) >= max_statements:
            raise _Stop(f"方案中的目标和期限表述超过 {max_statements} 条，只核对了前 {len(findings)} 条"
                        f"（约前 {100 * done // max(1, len(text))}% 的文字）；请把方案拆分后分批核对其余部分")
        count[0] += 1
        if count[0] % 200 == 0:
            if budget_s is not None and time.monotonic() - started > budget_s:
                raise _Stop(f"核对超过 {budget_s:g} 秒的时间上限，只核对了前 {len(findings)} 条"
                            f"（约前 {100 * done // max(1, len(text))}% 的文字）；请把方案拆分后分批核对其余部分")
            if progress is not None:
                progress(done / max(1, len(text)), len(findings))

    try:
        findings = check_text(kb, text, on_sentence)
    except _Stop as stop:
        return CheckResult(tuple(seen[0] if seen else ()), False, stop.note)
    return CheckResult(tuple(findings), True)
