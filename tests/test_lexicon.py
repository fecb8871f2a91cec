"""The lexicon as data (kb/lexicon): every row's example is checked against its own row, and the
understanding stage reads the flags the rows define. Unit tests: no index."""

import pytest

from kb.lexicon import files, patterns, words
from kb.query import understand

PATTERN_ROWS = [(f, r) for f in files() for r in patterns(f).values()]
WORD_ROWS = [(f, r) for f in files() for r in words(f).values()]


@pytest.mark.parametrize(("file", "row"), PATTERN_ROWS, ids=[f"{f}:{r.name}" for f, r in PATTERN_ROWS])
def test_pattern_row_matches_its_example(file, row):
    assert row.reason.strip(), f"{file}:{row.name} has no reason"
    assert row.regex.search(row.example), f"{file}:{row.name} does not match its own example {row.example!r}"


@pytest.mark.parametrize(("file", "row"), WORD_ROWS, ids=[f"{f}:{r.name}" for f, r in WORD_ROWS])
def test_word_row_example_holds_a_word(file, row):
    assert row.reason.strip() and row.words
    assert any(w in row.example for w in row.words), f"{file}:{row.name}: no word of the list in {row.example!r}"
    assert len(set(row.words)) == len(row.words), f"{file}:{row.name} lists a word twice"


def test_glossary_rows_have_plan_words():
    from kb.query.understand import glossary

    rows = glossary()
    assert len(rows) > 100
    assert all(word and official for word, official in rows)


@pytest.mark.parametrize(("question", "flag"), [
    ("这份文件是哪天印发的？", "issued"),
    ("这个通知主送哪些单位？", "notice:addressee"),
    ("那份意见的文号是多少？", "notice:number"),
    ("规划对废旧轮胎是怎么安排的？", "requirements"),
    ("这个方案是哪几个部门联合印发的？", "notice:issuer"),
    ("整个规划分成哪些阶段？", "phases"),
    ("第二阶段主要有哪些任务？", "one_phase"),
    ("专栏5都有哪些工程？", "column"),
    ("这件事放在规划的哪个部分？", "where"),
    ("负责这件事的局长是谁？", "person"),
])
def test_understanding_sets_the_flag(question, flag):
    assert flag in understand(question).asks


def test_query_carries_structure_references():
    q = understand("专栏3里第一阶段2026年到2030年要做什么？")
    assert q.column == "3" and q.phase == "一" and q.span == (2026, 2030)
    assert "专栏3" in q.structure_refs and "第一阶段" in q.structure_refs
    assert q.to_dict()["span"] == [2026, 2030]


def test_a_plain_target_question_sets_no_flag():
    assert understand("到2027年细颗粒物浓度要降到多少？").asks == frozenset()


def _indicator_rows():
    import tomllib
    from importlib import resources

    return tomllib.loads(resources.files("kb.lexicon").joinpath("indicators.toml").read_text("utf-8"))["indicator"]


@pytest.mark.parametrize("row", _indicator_rows(), ids=lambda r: r["name"])
def test_indicator_row(row):
    import re

    from kb.indicators import canonical_indicator

    assert row["reason"].strip()
    assert canonical_indicator(row["example"]) == row["name"], f"{row['example']!r} does not name {row['name']}"
    for d in row.get("descriptions", []):
        re.compile(d)


def test_topic_rows():
    import tomllib
    from importlib import resources

    from kb.topics import topic_terms

    rows = tomllib.loads(resources.files("kb.lexicon").joinpath("topics.toml").read_text("utf-8"))["topic"]
    for row in rows:
        assert row["reason"].strip() and row["example"] in row["words"]
        assert set(row["words"]) <= set(topic_terms(row["name"])), row["name"]


def _term_rows():
    from kb.lexicon import terms

    return terms("colloquial.toml")


@pytest.mark.parametrize("row", _term_rows(), ids=lambda r: r.word)
def test_glossary_row_changes_its_example(row):
    """Each glossary row's example holds its word, and the row changes how the example is read
    (the plan's words put in, or a shorter row kept from firing inside it: 农村里 → 农村)."""
    assert row.reason.strip() and row.plan, row.word
    assert row.word in row.example, f"{row.word!r} not in its example {row.example!r}"
    from kb.query.understand import apply_glossary, glossary

    without = tuple(r for r in glossary() if r[0] != row.word)
    assert apply_glossary(row.example) != apply_glossary(row.example, without), \
        f"{row.word}: the row changes nothing in its example {row.example!r}"
    q = understand(row.example)
    assert q.expansion != q.text or q.canonical != q.text, f"{row.word}: {row.example!r} is not rewritten"


def test_glossary_words_are_unique():
    words = [r.word for r in _term_rows()]
    assert len(words) == len(set(words))


def test_lexicon_fingerprint_covers_every_file(tmp_path, monkeypatch):
    """A change in any file of kb/lexicon (a new kind of file included) changes the fingerprint."""
    from kb import segment

    class _Files:
        def __init__(self, folder):
            self.folder = folder

        def joinpath(self, name):
            return self.folder / name

        def iterdir(self):
            return self.folder.iterdir()

    (tmp_path / "a.toml").write_text("x", encoding="utf-8")
    monkeypatch.setattr(segment.resources, "files", lambda _pkg: _Files(tmp_path))
    first = segment.lexicon_hash()
    (tmp_path / "new.csv").write_text("y", encoding="utf-8")
    assert segment.lexicon_hash() != first


def _dict_rows():
    from kb.lexicon import dictionary

    return dictionary()


@pytest.mark.parametrize("row", _dict_rows(), ids=lambda r: r.word)
def test_policy_dictionary_row_keeps_its_word_whole(row):
    """Each word of the policy dictionary stands in its example, and the base tokenizer keeps it
    whole there (as a token of search mode, which also gives the parts of longer words)."""
    import jieba

    from kb.segment import tokenizer

    assert row.reason.strip() and row.freq > 0
    assert row.word in row.example, f"{row.word!r} not in {row.example!r}"
    if not jieba.re_han_default.fullmatch(row.word):  # 微克/立方米: jieba never joins 「/」 into a word
        return
    assert row.word in tokenizer().cut_for_search(row.example), f"{row.word}: {tokenizer().lcut(row.example)}"


def test_policy_dictionary_words_are_unique():
    words = [r.word for r in _dict_rows()]
    assert len(words) == len(set(words))


def test_stopword_rows_leave_their_words_out_of_the_example():
    from kb.segment import tokenize

    for row in words("stopwords.toml").values():
        kept = [t for t in tokenize(row.example) if t in row.words]
        assert not kept, f"stopwords.toml:{row.name}: {kept} kept in {row.example!r}"


def test_a_stated_number_is_not_a_name():
    from kb.lexicon import pattern

    number = pattern("text.toml", "number")
    for text in ("以降低细颗粒物（PM2.5）浓度为主线", "深入贯彻党的二十大精神", "减少NO2排放"):
        assert not number.search(text), text
    for text in ("下降10%", "持续打好三大保卫战", "建成三处污水处理厂", "控制在1.2%以内"):
        assert number.search(text), text
