"""对标 (kb compare): verdicts of a city target against higher-level targets on small cases, the
real corpus's 细颗粒物 row, and the CLI contract (JSON shape, exit 2 for an indicator nobody pairs)."""

from __future__ import annotations

import json

import pytest

from kb.cli import main
from kb.compare import Entry, compare_facts, pair_verdict, rows_json
from kb.facts import extract_document
from kb.types import Citation


def _entry(level, value, unit="%", comparator="≥", year=2025, scope="", base="") -> Entry:
    title = "市规划" if level == "municipal" else "国家计划"
    return Entry("d", level, year, value, unit, comparator, scope, base, "某指标",
                 Citation(0, "d", title, "一、…", "……", 0, 1))


# (city entry, higher entry, verdict, a word the reason must hold)
PAIRS = [
    (_entry("municipal", "90"), _entry("national", "85"), "stricter", "严于"),
    (_entry("municipal", "80"), _entry("national", "85"), "looser", "宽于"),
    (_entry("municipal", "85"), _entry("national", "85"), "same", "相同"),
    (_entry("municipal", "28", "微克/立方米", "≤"), _entry("national", "32", "微克/立方米", "≤"), "stricter", "严于"),
    (_entry("municipal", "35", "微克/立方米", "≤"), _entry("national", "32", "微克/立方米", "≤"), "looser", "宽于"),
    (_entry("municipal", "12", comparator="−", base="2020年"), _entry("national", "10", comparator="−", base="2020年"),
     "stricter", "严于"),
    (_entry("municipal", "30", "微克/立方米", "≤"), _entry("national", "10", comparator="−", base="2020年"),
     "not_comparable", "相对目标"),
    (_entry("municipal", "12", comparator="−", base="2015年"), _entry("national", "10", comparator="−", base="2020年"),
     "not_comparable", "基准年不同"),
    (_entry("municipal", "90"), _entry("national", "85", scope="京津冀及周边地区"), "not_comparable", "京津冀及周边地区"),
    (_entry("municipal", "90"), _entry("national", "85", scope="其他地区"), "stricter", "严于"),
    (_entry("municipal", "90", year=2027), _entry("national", "85"), "not_comparable", "年份不同"),
    (_entry("municipal", "90", unit="万吨"), _entry("national", "85"), "not_comparable", "单位不同"),
]


@pytest.mark.parametrize(("city", "higher", "verdict", "word"), PAIRS)
def test_pair_verdict(city, higher, verdict, word) -> None:
    got, reason = pair_verdict(city, higher)
    assert got == verdict and word in reason


@pytest.fixture(scope="module")
def corpus_rows(corpus_docs):
    facts = [f for d in corpus_docs.values() for f in extract_document(d)]
    return compare_facts(facts, corpus_docs)


def test_fine_particles_row_has_city_and_national_targets_and_a_reason(corpus_rows) -> None:
    row = next(r for r in corpus_rows if r.indicator == "细颗粒物")
    levels = {e.level for e in row.entries}
    assert levels == {"municipal", "national"}
    assert row.verdict == "not_comparable"
    assert "相对目标" in row.reason and "京津冀及周边地区" in row.reason
    for e in row.entries:  # each entry cites its own document verbatim
        assert e.citation.doc_id == e.doc_id and e.value in e.citation.quote


def test_every_row_pairs_the_city_with_a_higher_level(corpus_rows) -> None:
    assert len(corpus_rows) >= 3
    for r in corpus_rows:
        assert any(e.level == "municipal" for e in r.entries)
        assert any(e.level in ("national", "provincial") for e in r.entries)
        assert r.verdict in ("stricter", "looser", "same", "not_comparable")
        assert r.reason


def test_compare_cli_json_and_bad_indicator(built_settings, capsys) -> None:
    base = ["--corpus", str(built_settings.corpus), "--index", str(built_settings.index), "compare"]
    assert main([*base, "--indicator", "细颗粒物", "--json"]) == 0
    obj = json.loads(capsys.readouterr().out)
    (row,) = obj["rows"]
    assert set(row) == {"indicator", "entries", "verdict", "reason"}
    assert {"doc_id", "level", "year", "value", "unit", "comparator", "scope", "citation"} <= set(row["entries"][0])
    assert {e["level"] for e in row["entries"]} == {"municipal", "national"}
    assert main([*base, "--indicator", "不存在的指标"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "没有可对标的指标" in err


def test_rows_json_quotes_are_verbatim(corpus_rows, corpus_docs) -> None:
    for row in rows_json(corpus_rows)["rows"]:
        for e in row["entries"]:
            c = e["citation"]
            assert corpus_docs[c["doc_id"]].text[c["start"]:c["end"]] == c["quote"]
