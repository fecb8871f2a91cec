"""The citation guard on crafted model outputs (kb/llm/guard.py), and the settings of the
optional LLM. Unit tests: a two-sentence document made here, no index, no network."""

from __future__ import annotations

import json
import re

import pytest

from kb.llm.guard import GuardFailure, guard
from kb.llm.prompts import (
    ANSWER_MAX_CHARS,
    JSON_TOKENS,
    MAX_QUOTES,
    QUOTE_MAX_CHARS,
    QUOTE_TOKENS,
    NumberedSentence,
    Reading,
    read_messages,
    read_schema,
    reply_bounds,
)
from kb.types import DocMeta, Document, Sentence

S1 = "到2027年，细颗粒物浓度下降到30微克/立方米以下。"
S2 = "市生态环境局负责制定年度行动方案。"
TEXT = "一、目标\n" + S1 + S2


def _doc() -> Document:
    a = TEXT.index(S1)
    b = TEXT.index(S2)
    sentences = (Sentence("d", S1, a, a + len(S1), ()), Sentence("d", S2, b, b + len(S2), ()))
    return Document(DocMeta("d", "测试规划"), TEXT, (), sentences, "d.txt", "0")


DOC = _doc()
DOCS = {"d": DOC}
READING = Reading(tuple(NumberedSentence(1, i, "d", s.text, s.start, s.end) for i, s in enumerate(DOC.sentences, 1)),
                  ("测试规划",))


def _q(quote: str, passage: int = 1, sentence: int = 1) -> dict:
    return {"passage": passage, "sentence": sentence, "quote": quote}


def test_a_right_answer_passes_and_maps_to_the_document():
    text, cites = guard({"quotes": [_q("细颗粒物浓度下降到30微克/立方米以下")],
                         "answer": "细颗粒物浓度要降到30微克/立方米以下[1]。"}, READING, DOCS)
    assert text == "细颗粒物浓度要降到30微克/立方米以下[1]。"
    assert cites[0].quote == TEXT[cites[0].start:cites[0].end] == "细颗粒物浓度下降到30微克/立方米以下"


def test_a_year_outside_the_quoted_clause_is_refused():
    with pytest.raises(GuardFailure, match="2027"):
        guard({"quotes": [_q("细颗粒物浓度下降到30微克/立方米以下")],
               "answer": "到2027年细颗粒物浓度要降到30微克/立方米以下[1]。"}, READING, DOCS)


def test_whole_sentence_quote_holds_every_number():
    _text, cites = guard({"quotes": [_q(S1)], "answer": "到2027年降到30微克/立方米以下[1]。"}, READING, DOCS)
    assert cites[0].quote == S1 and DOC.text[cites[0].start:cites[0].end] == S1


@pytest.mark.parametrize(("reply", "why"), [
    ({"quotes": [_q("细颗粒物浓度下降到30微克/立方米以下")], "answer": "2027年降到25微克[1]。"}, "数字"),  # invented number
    ({"quotes": [_q("细颗粒物浓度降到30微克以下")], "answer": "降到30微克以下[1]。"}, "不是原文"),  # paraphrased quote
    ({"quotes": [_q(S1, passage=2)], "answer": "降到30微克/立方米以下[1]。"}, "不存在"),  # wrong passage number
    ({"quotes": [_q(S1, sentence=9)], "answer": "降到30微克/立方米以下[1]。"}, "不存在"),  # wrong sentence number
    ({"quotes": [_q(S2, sentence=1)], "answer": "由市生态环境局负责[1]。"}, "不是原文"),  # right text, wrong sentence
    ({"quotes": [_q(S1)], "answer": "降到30微克/立方米以下[1]。这是很重要的。"}, "没有标注出处"),  # uncited sentence
    ({"quotes": [_q(S1)], "answer": "降到30微克/立方米以下[2]。"}, "不在它的引文中"),  # marker of no quote
    ({"quotes": [], "answer": "段落中没有答案"}, "没有引用"),
    ({"quotes": [_q(S1)], "answer": ""}, "空"),
    ({"quotes": "S1", "answer": "x[1]"}, "缺少"),  # malformed: quotes not a list
    ({"answer": "x[1]"}, "缺少"),
    ({"quotes": [{"passage": "1", "sentence": 1, "quote": S1}], "answer": "x[1]。"}, "格式"),
    ({"quotes": [_q(S1)] * 5, "answer": "x[1]。"}, "长度"),
    ([1, 2], "JSON 对象"),
])
def test_guard_refuses(reply, why):
    with pytest.raises(GuardFailure, match=why):
        guard(reply, READING, DOCS)


def test_uncited_quotes_are_dropped_and_markers_closed_up():
    text, cites = guard({"quotes": [_q(S1), _q(S2, sentence=2)], "answer": "由市生态环境局负责制定[2]。"}, READING, DOCS)
    assert text == "由市生态环境局负责制定[1]。" and len(cites) == 1 and cites[0].quote == S2


def test_schema_bounds_the_numbers_the_model_may_name():
    schema = read_schema(READING)
    item = schema["properties"]["quotes"]["items"]["properties"]
    assert item["passage"]["enum"] == [1] and item["sentence"]["enum"] == [1, 2]
    assert schema["properties"]["quotes"]["maxItems"] >= 1 and "maxLength" in schema["properties"]["answer"]


# settings ----------------------------------------------------------------------------------
def test_llm_settings_off_by_default_and_checked(tmp_path):
    from kb.config import load_settings
    from kb.errors import ConfigError

    none = tmp_path / "none.toml"
    s = load_settings(config_file=none, env={})
    assert not s.llm_on and s.llm_timeout > 0
    s = load_settings(config_file=none, env={"KB_LLM_BASE_URL": "http://127.0.0.1:1/v1", "KB_LLM_MODEL": "m",
                                             "KB_LLM_API_KEY": "secret", "KB_LLM_TIMEOUT": "2.5"})
    assert s.llm_on and s.llm_timeout == 2.5 and "secret" not in repr(s)
    for env in ({"KB_LLM_BASE_URL": "ftp://x"}, {"KB_LLM_BASE_URL": "http://x/v1"},
                {"KB_LLM_BASE_URL": "http://x/v1", "KB_LLM_MODEL": "m", "KB_LLM_TIMEOUT": "0"},
                {"KB_LLM_MAX_TOKENS": "2.5"}, {"KB_LLM_READ": "2"}):
        with pytest.raises(ConfigError):
            load_settings(config_file=none, env=env)


def test_bad_llm_setting_is_one_chinese_line_exit_2(monkeypatch, capsys):
    from kb.cli import main

    monkeypatch.setenv("KB_LLM_BASE_URL", "127.0.0.1:8080")
    assert main(["ask", "问题"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("错误：") and "\n" not in err and "Traceback" not in err


def test_the_client_is_not_imported_without_a_model():
    import subprocess
    import sys

    code = "import sys, kb.api, kb.cli, kb.answer; print('openai' in sys.modules or 'kb.llm.client' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_the_schema_fits_the_token_limit():
    """A reply the schema allows fits llm_max_tokens (a character counted as a token), so the
    model is never led into a cut-off JSON; from 1200 tokens on the caps apply."""
    for max_tokens in range(64, 3000, 7):
        quotes, quote, answer = reply_bounds(max_tokens)
        assert 1 <= quotes <= MAX_QUOTES and 8 <= quote <= QUOTE_MAX_CHARS and 8 <= answer <= ANSWER_MAX_CHARS
        assert JSON_TOKENS + quotes * (QUOTE_TOKENS + quote) + answer <= max_tokens
        schema = read_schema(READING, max_tokens)
        assert schema["properties"]["quotes"]["maxItems"] == quotes
        assert schema["properties"]["answer"]["maxLength"] == answer
    assert reply_bounds(1200) == (MAX_QUOTES, QUOTE_MAX_CHARS, ANSWER_MAX_CHARS)


def test_the_worked_example_in_the_prompt_passes_the_guard():
    """The example reply shown to the model is compact JSON that the guard itself accepts."""
    messages = read_messages("问题", READING)
    assert [m["role"] for m in messages] == ["system", "user", "assistant", "user"]
    shown = re.findall(r"^\s*\((\d+)\.(\d+)\) (.*)$", messages[1]["content"], re.MULTILINE)
    text = "".join(t for _, _, t in shown)
    doc = Document(DocMeta("e", "示例"), text, (), (), "e.txt", "0")
    at, example = 0, []
    for p, s, t in shown:
        example.append(NumberedSentence(int(p), int(s), "e", t, at, at + len(t)))
        at += len(t)
    reply = json.loads(messages[2]["content"])
    assert "\n" not in messages[2]["content"] and " " not in messages[2]["content"]
    answer, cites = guard(reply, Reading(tuple(example), ("示例",)), {"e": doc})
    assert cites and answer.endswith("[1]。")
