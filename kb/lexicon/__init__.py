"""The lexicon: every word list and phrase pattern that steers answering, as data files in this
folder (TOML rows with an example and a reason: the glossary, the jieba dictionary and the
stopwords included). The index fingerprint covers every file of the folder (kb.segment.lexicon_hash)."""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass
from importlib import resources

from kb.errors import ConfigError


@dataclass(frozen=True)
class PatternRow:
    name: str
    regex: re.Pattern[str]
    example: str
    reason: str


@dataclass(frozen=True)
class WordsRow:
    name: str
    words: tuple[str, ...]
    example: str
    reason: str


def _toml(name: str) -> dict:
    path = resources.files("kb.lexicon").joinpath(name)
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise ConfigError(f"词表文件 kb/lexicon/{name} 格式有误（{e}）", "请按 TOML 格式修正该文件") from e


@functools.cache
def patterns(file: str) -> dict[str, PatternRow]:
    """The named patterns of one lexicon file (`[[pattern]]` rows), compiled once."""
    out: dict[str, PatternRow] = {}
    for row in _toml(file).get("pattern", []):
        try:
            out[row["name"]] = PatternRow(row["name"], re.compile(row["regex"]), row["example"], row["reason"])
        except (KeyError, re.error) as e:
            raise ConfigError(f"kb/lexicon/{file} 中的条目 {row.get('name', '?')} 有误（{e}）",
                              "每条须有 name、regex、example、reason，且 regex 可编译") from e
    return out


@functools.cache
def words(file: str) -> dict[str, WordsRow]:
    """The named word lists of one lexicon file (`[[words]]` rows)."""
    out: dict[str, WordsRow] = {}
    for row in _toml(file).get("words", []):
        try:
            out[row["name"]] = WordsRow(row["name"], tuple(row["words"]), row["example"], row["reason"])
        except KeyError as e:
            raise ConfigError(f"kb/lexicon/{file} 中的条目 {row.get('name', '?')} 缺少字段 {e}",
                              "每条须有 name、words、example、reason") from e
    return out


@dataclass(frozen=True)
class TermRow:
    word: str  # what people say (城里)
    plan: tuple[str, ...]  # the plan's words for it; the first replaces the word (城市 城区)
    example: str
    reason: str


@functools.cache
def terms(file: str = "colloquial.toml") -> tuple[TermRow, ...]:
    """The glossary rows (`[[term]]`): a word people say → the plan's own words, in file order."""
    out: list[TermRow] = []
    for row in _toml(file).get("term", []):
        try:
            out.append(TermRow(row["word"], tuple(row["plan"]), row["example"], row["reason"]))
        except KeyError as e:
            raise ConfigError(f"kb/lexicon/{file} 中的条目 {row.get('word', '?')} 缺少字段 {e}",
                              "每条须有 word、plan、example、reason") from e
    return tuple(out)


@dataclass(frozen=True)
class DictRow:
    word: str  # a word jieba keeps whole
    freq: int
    tag: str
    example: str
    reason: str


@functools.cache
def dictionary(file: str = "policy_dict.toml") -> tuple[DictRow, ...]:
    """The policy dictionary (`[[word]]` rows) for jieba, in file order."""
    out: list[DictRow] = []
    for row in _toml(file).get("word", []):
        try:
            out.append(DictRow(row["word"], int(row["freq"]), row.get("tag", ""), row["example"], row["reason"]))
        except (KeyError, ValueError) as e:
            raise ConfigError(f"kb/lexicon/{file} 中的条目 {row.get('word', '?')} 有误（{e}）",
                              "每条须有 word、freq（整数）、example、reason") from e
    return tuple(out)


def pattern(file: str, name: str) -> re.Pattern[str]:
    return patterns(file)[name].regex


def word_list(file: str, name: str) -> tuple[str, ...]:
    return words(file)[name].words


def files(suffix: str = ".toml") -> list[str]:
    return sorted(f.name for f in resources.files("kb.lexicon").iterdir() if f.name.endswith(suffix))
