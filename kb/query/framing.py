"""The speaker and condition clauses set apart from what is asked (patterns in kb/lexicon/asks.toml).

`topic` is the question without who asks (「我是……的，」), without what a 「除了……」 clause
excludes, without a clause explaining the term after it and without a closing clause saying why
it is asked (「，便于整理提纲」); `asked` is `topic` without a leading
condition (「万一……，」) — the key words come from `asked` when it still names enough."""

from __future__ import annotations

from dataclasses import dataclass

from kb.lexicon import pattern, word_list

FILE = "asks.toml"


@dataclass(frozen=True)
class Framing:
    topic: str
    asked: str
    speaker: str
    condition: str


def set_apart(text: str) -> Framing:
    speaker = pattern(FILE, "speaker").match(text)
    # 「我在建龙钢铁上班，厂里……」: a question about the speaker's workplace keeps what the speaker says
    topic = text if _points_back(text, "own_unit") else pattern(FILE, "speaker").sub("", text)
    topic = pattern(FILE, "explained").sub("", pattern(FILE, "except").sub("，", topic))
    topic = pattern(FILE, "purpose").sub("", topic)  # 「，便于整理提纲」: why it is asked, not what
    cond = pattern(FILE, "condition").match(topic)
    asked = pattern(FILE, "condition").sub("", topic, count=1)
    return Framing(topic, asked, speaker.group(0) if speaker else "", cond.group(0) if cond else "")


def scope_text(text: str) -> str:
    """The text that names the scope of what is asked: the question without the speaker's
    preamble, unless it points back to the speaker's place (「我们区」, words.toml own_scope)."""
    speaker = pattern(FILE, "speaker").match(text)
    if speaker is None or _points_back(text, "own_scope"):
        return text
    return text[speaker.end():]


def without_speaker(text: str) -> str:
    """The question without the speaker's preamble (「我是某局的，」): who asks picks neither the
    level, the documents nor the key words — unless the question is about the speaker's own unit
    or place (「我在某厂上班，厂里……」「我们区」)."""
    speaker = pattern(FILE, "speaker").match(text)
    if speaker is None or _points_back(text, "own_unit") or _points_back(text, "own_scope"):
        return text
    return text[speaker.end():]


def _points_back(text: str, row: str) -> bool:
    return any(w in text for w in word_list("words.toml", row))
