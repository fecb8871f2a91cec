"""The optional LLM end to end against a stub OpenAI-compatible server on loopback
(tests/llm_stub.py): the model right (its answer used, answered_by llm), wrong (dropped, the
extractive answer returned with the reason), malformed, failing, slow and dead (each costs at
most the configured timeout, then the extractive answer). Integration: uses the built index."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import subprocess
import sys
import time

import pytest
from llm_stub import StubLLM, dead_url

from kb.cite import ungrounded_numbers

QUESTION = "到2027年PM2.5要降到多少？"
_LINE = re.compile(r"^\s*\((\d+)\.(\d+)\) (.*)$", re.MULTILINE)


def _llm_kb(kb, url: str, **over):
    from kb.api import KnowledgeBase

    settings = dataclasses.replace(kb.settings, llm_base_url=url, llm_model="stub", **over)
    return KnowledgeBase(settings, index=kb.index)


def _is_rewrite(req: dict) -> bool:
    return req["response_format"]["json_schema"]["name"] == "rewrite"


def _right(req: dict) -> tuple[int, str]:
    """A model that reads well: quotes the shown sentence that holds 微克 and answers from it."""
    if _is_rewrite(req):
        return 200, json.dumps({"terms": ["细颗粒物浓度"]}, ensure_ascii=False)
    shown = _LINE.findall(req["messages"][-1]["content"])
    p, s, text = next((p, s, t) for p, s, t in shown if "微克" in t)
    clause = next(c for c in re.split(r"[，；。]", text) if "微克" in c)
    return 200, json.dumps({"quotes": [{"passage": int(p), "sentence": int(s), "quote": clause}],
                            "answer": f"{clause}[1]。"}, ensure_ascii=False)


def test_a_right_model_answers_behind_the_guard(kb):
    with StubLLM(_right) as stub:
        llm = _llm_kb(kb, stub.url, llm_timeout=20)
        ans, e = llm.ask_explained(QUESTION)
    assert ans.answered_by == "llm" and ans.status == "answered", e.llm
    assert "微克" in ans.answer and not ungrounded_numbers(ans.answer, ans.citations)
    for c in ans.citations:
        assert kb.index.docs[c.doc_id].text[c.start:c.end] == c.quote
    assert e.llm.rewrites == ("细颗粒物浓度",) and e.llm.reason == "" and e.llm.kind == ""
    names = [r["response_format"]["json_schema"]["name"] for r in stub.requests]
    assert names == ["rewrite", "answer"]
    schema = stub.requests[1]["response_format"]["json_schema"]["schema"]
    assert schema["properties"]["quotes"]["items"]["properties"]["passage"]["enum"]


def _invented(req: dict) -> tuple[int, str]:
    if _is_rewrite(req):
        return 200, json.dumps({"terms": []})
    p, s, text = _LINE.findall(req["messages"][-1]["content"])[0]
    return 200, json.dumps({"quotes": [{"passage": int(p), "sentence": int(s), "quote": text}],
                            "answer": "细颗粒物浓度降到12.5微克[1]。"}, ensure_ascii=False)


@pytest.mark.parametrize(("reply", "why", "kind"), [
    (_invented, "数字", "guard"),
    (lambda req: (200, "这不是 JSON"), "JSON", "reply"),
    (lambda req: (500, ""), "HTTP 500", "endpoint"),
])
def test_a_wrong_or_broken_model_falls_back_with_the_reason(kb, reply, why, kind):
    plain = kb.ask(QUESTION)
    with StubLLM(reply) as stub:
        ans, e = _llm_kb(kb, stub.url, llm_timeout=20).ask_explained(QUESTION)
    assert ans.answered_by == "extractive" and why in e.llm.reason and e.llm.kind == kind
    assert (ans.status, ans.answer) == (plain.status, plain.answer)
    assert e.to_dict()["llm"]["fallback_reason"] == e.llm.reason


@pytest.mark.parametrize("slow", [True, False])
def test_a_slow_or_dead_endpoint_costs_at_most_the_timeout(kb, slow):
    plain = kb.ask(QUESTION)
    timeout = 1.5
    if slow:
        with StubLLM(_right, delay=10) as stub:
            llm = _llm_kb(kb, stub.url, llm_timeout=timeout)
            t0 = time.monotonic()
            ans, e = llm.ask_explained(QUESTION)
            spent = time.monotonic() - t0
    else:
        llm = _llm_kb(kb, dead_url(), llm_timeout=timeout)
        t0 = time.monotonic()
        ans, e = llm.ask_explained(QUESTION)
        spent = time.monotonic() - t0
    base = e.llm.seconds
    assert ans.answered_by == "extractive" and ans.answer == plain.answer
    assert base <= timeout + 3.0, (base, spent)  # the model's share: the budget, plus the extractive answer
    assert ("连不上" if not slow else "时间预算") in e.llm.reason
    assert e.llm.kind == ("timeout" if slow else "unreachable")


def test_cli_json_carries_answered_by(kb, monkeypatch, capsys):
    from kb.cli import main

    monkeypatch.setenv("KB_INDEX", str(kb.settings.index))
    monkeypatch.setenv("KB_CORPUS", str(kb.settings.corpus))
    assert main(["ask", QUESTION, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["answered_by"] == "extractive"
    with StubLLM(_right) as stub:
        monkeypatch.setenv("KB_LLM_BASE_URL", stub.url)
        monkeypatch.setenv("KB_LLM_MODEL", "stub")
        assert main(["ask", QUESTION, "--json", "--explain"]) == 0
        obj = json.loads(capsys.readouterr().out)
        assert obj["answered_by"] == "llm" and obj["explain"]["llm"]["answered_by"] == "llm"
        assert main(["ask", QUESTION]) == 0
        assert "回答方式：模型 + 原文核验" in capsys.readouterr().out


def test_answering_without_a_model_never_loads_the_client(kb):
    """The hot path with no endpoint configured: `kb ask` (text, --json, --explain) and the API's
    ask / ask_explained load neither kb.llm nor `openai` (a fresh process: this session's other
    tests import them)."""
    code = ("import json, sys\n"
            "from kb.cli import main\n"
            "from kb.api import KnowledgeBase\n"
            f"q = {QUESTION!r}\n"
            "assert main(['ask', q]) == 0 and main(['ask', q, '--json', '--explain']) == 0\n"
            "kb = KnowledgeBase.open()\n"
            "kb.ask(q); kb.ask_explained(q)\n"
            "loaded = sorted(m for m in sys.modules if m == 'openai' or m.startswith(('openai.', 'kb.llm')))\n"
            "print('LOADED', json.dumps(loaded))\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("KB_LLM_")}
    env.update(KB_INDEX=str(kb.settings.index), KB_CORPUS=str(kb.settings.corpus))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True).stdout
    assert out.strip().splitlines()[-1] == "LOADED []", out[-500:]
