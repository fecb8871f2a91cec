"""No Chinese word list or phrase regex steers answering from code (issue #16): such words are
rows of kb/lexicon (with an example and a reason) or belong to the understanding stage
(kb/query). An AST scan of every module; user-facing messages are not word lists (f-strings and
message arguments are not looked at), and the modules that do not answer questions are listed
below with why. Unit test: no index."""

import ast
import re
from pathlib import Path

KB = Path(__file__).resolve().parent.parent / "kb"
CJK = re.compile(r"[\u4e00-\u9fff]")
RE_CALLS = {"compile", "search", "match", "fullmatch", "findall", "finditer", "sub", "subn", "split"}
STR_METHODS = {"startswith", "endswith", "find", "rfind", "index", "rindex", "count", "replace", "split"}

# Folders whose business is words: the lexicon and its loader, and the understanding stage.
WORD_FOLDERS = {"lexicon", "query"}
# Modules that do not answer questions: the build stages (the grammar of policy text that reads
# facts and structure out of documents), the tools built on facts, and the UI's labels.
NOT_ANSWERING = {
    "facts.py": "build: extracts targets from document text",
    "facts_grammar.py": "build: the units, verbs and year markers targets are read with",
    "facts_roles.py": "build: extracts responsibilities from document text",
    "structure.py": "build: reads the section layout of 公文",
    "ingest.py": "build: reads the corpus and its manifest",
    "crosscheck_claims.py": "tool 核对: reads a department plan's statements",
    "crosscheck_judge.py": "tool 核对: compares statements with facts (body names)",
    "brief_render.py": "tool 简报: table column headers",
    "chart.py": "tool 简报: where a chart label may break",
    "brief.py": "tool 简报: groups targets by phase",
    "brief_summary.py": "tool 简报: the numbers of a section path (四、（一）专栏N) in references",
    "brief_tasks.py": "tool 简报: a task's measures (到20xx年 deadlines, section numbers, 专栏 left out)",
    "facts_scope.py": "build: reads the region or city class a target is set for",
    "normalize.py": "build: joins a number cut from its unit in damaged text",
    "pdf_text.py": "build: a PDF's visual lines into paragraphs (where a numbered part starts)",
    "compare.py": "tool 对标: which scopes of a national target apply to a city",
    "cli_parser.py": "CLI: argparse's English messages said in Chinese",
}


def _word(s: str) -> bool:
    """A word or short phrase (not a message: no spaces or sentence punctuation)."""
    return bool(CJK.search(s)) and len(s) <= 12 and not re.search(r"[\s，。；：！？]", s)


def _const(node: ast.AST) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _findings(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = []
    for node in ast.walk(tree):
        where = f"{path.relative_to(KB.parent)}:{getattr(node, 'lineno', 0)}"
        if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
            words = [s for e in node.elts if (s := _const(e)) and _word(s)]
            if len(words) >= 2:
                out.append(f"{where} word list {words[:4]}")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.args:
            f, arg = node.func, node.args[0]
            if isinstance(f.value, ast.Name) and f.value.id == "re" and f.attr in RE_CALLS:
                texts = [n.value for n in ast.walk(arg) if _const(n)]
                if any(CJK.search(t) for t in texts):
                    out.append(f"{where} regex {texts[:2]}")
            elif f.attr in STR_METHODS and (s := _const(arg)) and _word(s):
                out.append(f"{where} .{f.attr}({s!r})")
        elif (isinstance(node, ast.Compare) and any(isinstance(o, (ast.In, ast.NotIn)) for o in node.ops)
              and (s := _const(node.left)) and _word(s)):
            out.append(f"{where} {s!r} in …")
    return out


def _modules() -> list[Path]:
    return [p for p in sorted(KB.rglob("*.py"))
            if p.relative_to(KB).parts[0] not in WORD_FOLDERS | {"ui"} and p.name not in NOT_ANSWERING]


def test_no_word_list_or_phrase_regex_steers_answering_from_code():
    found = [f for p in _modules() for f in _findings(p)]
    assert not found, "Chinese words in answering code; move them to kb/lexicon rows:\n" + "\n".join(found)


def test_the_scan_sees_what_it_looks_for(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text('import re\nA = ("项目", "工程")\nB = re.compile(r"专栏\\\\d")\n'
                   'def f(t):\n    return "印发" in t or t.startswith("重点实施")\n', encoding="utf-8")
    global KB
    saved, KB = KB, tmp_path
    try:
        assert len(_findings(bad)) == 4
    finally:
        KB = saved


def test_exempt_modules_exist():
    names = {p.name for p in KB.glob("*.py")}
    assert set(NOT_ANSWERING) <= names
