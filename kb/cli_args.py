"""The `kb` command's arguments: the parser, its checks of each value, argparse's own messages in
Chinese. A bad value is one Chinese line and exit 2 (kb/cli.py runs the commands)."""

from __future__ import annotations

import argparse
import os
import re
from collections.abc import Sequence
from pathlib import Path

from kb.errors import BadInput

# argparse's own messages, said in Chinese (the rest of the message is the argument itself)
_ARGPARSE_ZH = (
    (re.compile(r"^the following arguments are required: (.*)$"), "缺少参数：{0}"),
    (re.compile(r"^unrecognized arguments: (.*)$"), "无法识别的参数：{0}"),
    (re.compile(r"^argument (\S+): invalid choice: (.*?) \(choose from (.*)\)$"), "参数 {0} 的取值 {1} 无效（可选：{2}）"),
    (re.compile(r"^argument (\S+): invalid \w+ value: (.*)$"), "参数 {0} 的取值 {1} 无效"),
    (re.compile(r"^argument (\S+): expected one argument$"), "参数 {0} 后面需要一个值"),
    (re.compile(r"^argument (\S+): (.*)$"), "参数 {0}：{1}"),
    (re.compile(r"^invalid choice: (.*?) \(choose from (.*)\)$"), "无效的命令 {0}（可选：{1}）"),
)


def zh_argparse(message: str) -> str:
    for pattern, template in _ARGPARSE_ZH:
        m = pattern.match(message)
        if m:
            return template.format(*m.groups())
    return message


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse would exit 2 with usage; keep it one line
        raise BadInput(f"{self.prog}：{zh_argparse(message)}", f"用 `{self.prog} --help` 查看用法")


def _top_k(value: str) -> int:
    try:
        k = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"-k 必须是整数，不能是 {value[:20]!r}") from None
    if not 1 <= k <= 100:
        raise argparse.ArgumentTypeError(f"-k 必须在 1 到 100 之间，不能是 {k}")
    return k


LEVELS = ("national", "provincial", "municipal", "department")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def check_argv(argv: Sequence[str]) -> None:
    """Every argument must be text: invalid UTF-8 (surrogates) is refused up front (control
    characters in a question are dropped by understanding; in a topic they are refused)."""
    for arg in argv:
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:
            raise BadInput("命令行参数含有无效的 UTF-8 字符", "请用 UTF-8 编码的文字重新输入") from None


def _topic(value: str) -> str:
    if _CONTROL_RE.search(value):
        raise argparse.ArgumentTypeError("主题含有控制字符，请只输入文字")
    return value


def _out_file(value: str) -> Path:
    """The folder of --out must already exist and be writable; it is never created."""
    out = Path(value)
    if out.is_dir():
        raise argparse.ArgumentTypeError(f"{value} 是一个文件夹，请给出文件名（.docx 或 .md）")
    parent = out.parent
    if not parent.is_dir():
        raise argparse.ArgumentTypeError(f"文件夹 {parent} 不存在，请先建好它或换一个位置")
    if not os.access(parent, os.W_OK) or str(parent.resolve()).startswith(("/proc", "/sys", "/dev")):
        raise argparse.ArgumentTypeError(f"不能写入文件夹 {parent}，请换一个可写的位置")
    return out


def parser() -> argparse.ArgumentParser:
    p = _Parser(prog="kb", description="江城政策知识库：带出处的政策问答")
    p.add_argument("--corpus", type=Path, help="corpus folder (default: corpus)")
    p.add_argument("--index", type=Path, help="index folder (default: index)")
    sub = p.add_subparsers(dest="command", parser_class=_Parser)

    b = sub.add_parser("build", help="build or update the index")
    b.add_argument("--force", action="store_true", help="rebuild even if up to date")
    b.add_argument("--quiet", action="store_true", help="no report")

    d = sub.add_parser("docs", help="list the documents")
    d.add_argument("--json", action="store_true")
    d1 = sub.add_parser("doc", help="one document's metadata and normalized text")
    d1.add_argument("doc_id")
    d1.add_argument("--json", action="store_true")

    s = sub.add_parser("search", help="ranked passages with scores (for tuning)")
    s.add_argument("query")
    s.add_argument("-k", type=_top_k, default=None, help="passages per answer (default: setting top_k)")
    s.add_argument("--mode", choices=("hybrid", "bm25", "dense"), default="hybrid")
    s.add_argument("--json", action="store_true")

    a = sub.add_parser("ask", help="answer a question with citations")
    a.add_argument("question", nargs="?")
    a.add_argument("--batch", type=Path, help="file with one question a line (- for stdin)")
    a.add_argument("-k", type=_top_k, default=None, help="passages per answer (default: setting top_k)")
    a.add_argument("--doc", default="", help="only this document")
    a.add_argument("--level", default="", choices=("", *LEVELS), help="national | provincial | municipal")
    a.add_argument("--json", action="store_true")
    a.add_argument("--explain", action="store_true", help="how the answer was reached (typed query, strategies, scores)")

    t = sub.add_parser("targets", help="extracted targets")
    t.add_argument("--year", type=int)
    t.add_argument("--topic", type=_topic, default="")
    t.add_argument("--format", choices=("table", "json", "csv"), default="table")

    c = sub.add_parser("check", help="cross-check a department plan against the source")
    c.add_argument("file", type=Path)
    c.add_argument("--json", action="store_true")

    br = sub.add_parser("brief", help="briefing material for a topic")
    br.add_argument("--topic", type=_topic, required=True)
    br.add_argument("--year", type=int)
    br.add_argument("--out", type=_out_file, required=True)
    br.add_argument("--doc", help="文件编号，或 all 表示全部文件（默认：最基层一级的文件，即市规划）")

    cp = sub.add_parser("compare", help="对标: the city's targets against national and provincial ones")
    cp.add_argument("--indicator", default="", help="only this indicator (e.g. 细颗粒物)")
    cp.add_argument("--json", action="store_true")

    e = sub.add_parser("eval", help="retrieval and answer metrics on the gold set")
    e.add_argument("file", nargs="?", type=Path, default=Path("eval/questions.jsonl"))
    e.add_argument("--json", action="store_true")
    e.add_argument("--markdown", action="store_true", help="the summary table for the README")
    e.add_argument("-k", type=_top_k, default=None, help="passages per answer (default: setting top_k)")
    tr = sub.add_parser("train", help="rebuild the answer selector from the question sets (eval/)")
    tr.add_argument("sets", nargs="*", type=Path, help="question sets (default: eval/questions.jsonl and eval/dev*)")
    tr.add_argument("--out", type=Path, default=None, help="model file (default: the one in the package)")
    tr.add_argument("--limit", type=int, default=0, help="only the first N questions of each set (a quick check)")
    tr.add_argument("--json", action="store_true")
    return p
