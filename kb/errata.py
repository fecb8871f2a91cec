"""Errata: exact-string repairs of damaged spans in the raw decoded text of a corpus file.

``corpus/errata.jsonl`` holds one JSON object a line::

    {"file": "plan.raw.txt", "original": "?諝赓|(zhì)量", "corrected": "。空气质量",
     "count": 1, "reason": "GBK mojibake of 。空氣質量 …"}

``original`` is an exact substring of the decoded file (before pinyin stripping and t2s);
every occurrence is replaced by ``corrected``. ``count`` records how many occurrences the
author saw; a different number is reported as a problem, never raised, so a re-downloaded
file with shifted damage still ingests and the report says which erratum needs a look.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from kb.errors import BadInput, os_reason

_HELP = 'each line must be a JSON object {"file", "original", "corrected", "count", "reason"}; see corpus/README.md'


@dataclass(frozen=True)
class Erratum:
    file: str
    original: str
    corrected: str
    count: int
    reason: str


def load_errata(path: Path) -> tuple[Erratum, ...]:
    """Read an errata JSONL file. A missing file means no errata; blank lines are skipped.

    Raises BadInput naming the file and line number for a line that is not a valid erratum.
    """
    path = Path(path)
    if not path.exists():
        return ()
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as e:
        raise BadInput(f"{path}：无法读取勘误文件（{os_reason(e)}）", "把它存为 UTF-8 文本") from e
    errata: list[Erratum] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        errata.append(_parse_line(line, path, number))
    return tuple(errata)


def _parse_line(line: str, path: Path, number: int) -> Erratum:
    where = f"{path}, line {number}"
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as e:
        raise BadInput(f"{where}: not valid JSON ({e.msg})", _HELP) from e
    if not isinstance(obj, dict):
        raise BadInput(f"{where}: expected a JSON object, got {type(obj).__name__}", _HELP)
    for key in ("file", "original", "corrected"):
        if not isinstance(obj.get(key), str):
            raise BadInput(f"{where}: field {key!r} is missing or not a string", _HELP)
    if not obj["file"].strip() or not obj["original"]:
        raise BadInput(f"{where}: 'file' and 'original' must not be empty", _HELP)
    count = obj.get("count", 1)
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise BadInput(f"{where}: 'count' must be a positive integer, got {count!r}", _HELP)
    reason = obj.get("reason", "")
    if not isinstance(reason, str):
        raise BadInput(f"{where}: 'reason' must be a string", _HELP)
    return Erratum(obj["file"].strip(), obj["original"], obj["corrected"], count, reason)


def _show(s: str) -> str:
    return s.replace("\n", "\\n")


def apply_errata(
    raw: str, file_name: str, errata: Sequence[Erratum]
) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    """Apply, in order, every erratum whose ``file`` is ``file_name``.

    Returns (repaired text, applied descriptions like "?諝赓|(zhì)量 → 。空气质量 ×1",
    problems like "erratum not found: …" or "… expected 2 occurrences, found 1").
    """
    applied: list[str] = []
    problems: list[str] = []
    for e in errata:
        if e.file != file_name:
            continue
        found = raw.count(e.original)
        if found == 0:
            problems.append(f"erratum not found: {_show(e.original)} (in {file_name})")
            continue
        raw = raw.replace(e.original, e.corrected)
        applied.append(f"{_show(e.original)} → {_show(e.corrected)} ×{found}")
        if found != e.count:
            problems.append(f"{_show(e.original)}: expected {e.count} occurrences, found {found} (in {file_name})")
    return raw, tuple(applied), tuple(problems)
