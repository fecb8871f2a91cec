"""The `kb` command line, said in Chinese: help, usage and argparse's own error messages.

argparse writes its section titles, its -h help and its errors in English; ``ZhParser`` gives
them in Chinese (titles and -h here, usage prefix in ``ZhHelp``, errors through ``zh_argparse``)
and turns an error into ``BadInput`` (one line on stderr, exit 2) instead of argparse's exit."""

from __future__ import annotations

import argparse
import os
import re
from pathlib import Path

from kb.errors import BadInput
from kb.labels import LEVEL_LABELS

# argparse's own messages, said in Chinese (the rest of the message is the argument itself)
_ARGPARSE_ZH = (
    (re.compile(r"^the following arguments are required: (.*)$"), "缺少参数：{0}"),
    (re.compile(r"^unrecognized arguments: (.*)$"), "无法识别的参数：{0}"),
    (re.compile(r"^argument 命令: invalid choice: (.*?) \(choose from (.*)\)$"), "没有命令 {0}（可用的命令：{1}）"),
    (re.compile(r"^argument (\S+): invalid choice: (.*?) \(choose from (.*)\)$"), "参数 {0} 的取值 {1} 无效（可选：{2}）"),
    (re.compile(r"^argument (\S+): invalid int value: (.*)$"), "参数 {0} 应是整数，不能是 {1}"),
    (re.compile(r"^argument (\S+): invalid \w+ value: (.*)$"), "参数 {0} 的取值 {1} 无效"),
    (re.compile(r"^argument (\S+): expected one argument$"), "参数 {0} 后面需要一个值"),
    (re.compile(r"^argument (\S+): expected at most one argument$"), "参数 {0} 后面最多一个值"),
    (re.compile(r"^argument (\S+): ignored explicit argument (.*)$"), "参数 {0} 不接受取值 {1}"),
    (re.compile(r"^argument (\S+): not allowed with argument (.*)$"), "参数 {0} 不能和 {1} 一起用"),
    (re.compile(r"^argument (\S+): (.*)$"), "参数 {0}：{1}"),
    (re.compile(r"^ambiguous option: (\S+) could match (.*)$"), "选项 {0} 不明确，可能是：{1}"),
    (re.compile(r"^one of the arguments (.*) is required$"), "需要以下参数之一：{0}"),
    (re.compile(r"^invalid choice: (.*?) \(choose from (.*)\)$"), "没有命令 {0}（可用的命令：{1}）"),
)


def _choices(text: str) -> str:
    """argparse's "'a', 'b'" list as 「a、b」."""
    return "、".join(part.strip().strip("'") for part in text.split(","))


def zh_argparse(message: str) -> str:
    for pattern, template in _ARGPARSE_ZH:
        m = pattern.match(message)
        if m:
            groups = [_choices(g) if "（可" in template and i == len(m.groups()) - 1 else g
                      for i, g in enumerate(m.groups())]
            return template.format(*groups)
    return message


class ZhHelp(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups, prefix="用法：" if prefix is None else prefix)


class ZhParser(argparse.ArgumentParser):
    """An ArgumentParser whose titles, -h and errors are Chinese; an error raises BadInput."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("formatter_class", ZhHelp)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._positionals.title = "参数"
        self._optionals.title = "选项"
        self.add_argument("-h", "--help", action="help", help="显示本帮助并退出")

    def format_help(self) -> str:  # argparse repeats the commands' metavar under their title
        return super().format_help().replace("命令:\n  命令\n", "命令:\n")

    def error(self, message: str) -> None:  # argparse would exit 2 with usage; keep it one line
        raise BadInput(f"{self.prog}：{zh_argparse(message)}", f"用 `{self.prog} --help` 查看用法")


def top_k(value: str) -> int:
    try:
        k = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"-k 必须是整数，不能是 {value[:20]!r}") from None
    if not 1 <= k <= 100:
        raise argparse.ArgumentTypeError(f"-k 必须在 1 到 100 之间，不能是 {k}")
    return k


def year(value: str) -> int:
    text = value.strip().removesuffix("年")
    if not re.fullmatch(r"\d{4}", text):
        raise argparse.ArgumentTypeError(f"年份应是四位数字，例如 2027，不能是 {value[:20]!r}")
    return int(text)


LEVELS = ("national", "provincial", "municipal", "department")
_LEVEL_BY_LABEL = {label: code for code, label in LEVEL_LABELS.items() if code in LEVELS}
_LEVEL_BY_LABEL.update({"国家级": "national", "市": "municipal", "省": "provincial"})
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def level(value: str) -> str:
    """A level in Chinese (国家 / 省级 / 市级 / 部门) or as its code (national …); empty = all."""
    text = value.strip()
    if text in ("", *LEVELS):
        return text
    if text in _LEVEL_BY_LABEL:
        return _LEVEL_BY_LABEL[text]
    raise argparse.ArgumentTypeError(f"层级应是 国家、省级、市级 或 部门，不能是 {value[:20]!r}")


def topic(value: str) -> str:
    if _CONTROL_RE.search(value):
        raise argparse.ArgumentTypeError("主题含有控制字符，请只输入文字")
    return value


def out_file(value: str) -> Path:
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


def _json_flag(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="输出 JSON（程序读取用）")


def build_parser() -> argparse.ArgumentParser:
    p = ZhParser(prog="kb", description="江城政策知识库：带出处的政策问答")
    p.add_argument("--corpus", type=Path, metavar="文件夹", help="语料库文件夹（默认 corpus）")
    p.add_argument("--index", type=Path, metavar="文件夹", help="索引文件夹（默认 index）")
    sub = p.add_subparsers(dest="command", title="命令", metavar="命令", parser_class=ZhParser)

    b = sub.add_parser("build", help="建立或更新索引（只处理有变化的文件）", description="建立或更新索引")
    b.add_argument("--force", action="store_true", help="即使索引已是最新也重新建立")
    b.add_argument("--quiet", action="store_true", help="不打印数据质量报告（进度照常显示）")

    mg = sub.add_parser("migrate", help="把本地索引迁移到数据库（postgres 后端）",
                        description="把 index/ 中正在使用的索引（连同句向量）写入 KB_DATABASE_URL 指向的数据库")
    mg.add_argument("--to", required=True, choices=["postgres"], help="目标后端（postgres）")

    d = sub.add_parser("docs", help="列出语料库中的文件", description="列出语料库中的文件")
    _json_flag(d)
    d1 = sub.add_parser("doc", help="一个文件的元数据和整理后的全文", description="一个文件的元数据和整理后的全文")
    d1.add_argument("doc_id", metavar="文件编号", help="文件编号（见 kb docs 第一列）")
    _json_flag(d1)

    s = sub.add_parser("search", help="检索段落及其得分（调试用）", description="检索段落及其得分（调试用）")
    s.add_argument("query", metavar="查询", help="要检索的文字")
    s.add_argument("-k", type=top_k, default=None, metavar="条数", help="返回的段落数（默认取设置 top_k）")
    s.add_argument("--mode", choices=("hybrid", "bm25", "dense"), default="hybrid", metavar="方式",
                   help="hybrid 混合（默认）、bm25 关键词、dense 语义")
    _json_flag(s)

    a = sub.add_parser("ask", help="回答一个问题，附原文出处", description="回答一个问题，附原文出处")
    a.add_argument("question", nargs="?", metavar="问题", help="用中文提问，例如 \"电动公交车要占多少？\"")
    a.add_argument("--batch", type=Path, metavar="文件", help="每行一个问题的文本文件（- 表示标准输入）")
    a.add_argument("-k", type=top_k, default=None, metavar="条数", help="每个回答参考的段落数（默认取设置 top_k）")
    a.add_argument("--doc", default="", metavar="文件编号", help="只在这个文件中查找")
    a.add_argument("--level", type=level, default="", metavar="层级", help="只查这一层级：国家、省级、市级 或 部门")
    _json_flag(a)
    a.add_argument("--explain", action="store_true", help="说明答案是怎样得出的（问题类型、策略、得分）")

    t = sub.add_parser("targets", help="抽取出的目标指标", description="抽取出的目标指标")
    t.add_argument("--year", type=year, metavar="年份", help="只列这一年的目标，例如 2027")
    t.add_argument("--topic", type=topic, default="", metavar="主题", help="只列这一主题，例如 大气")
    t.add_argument("--format", choices=("table", "json", "csv"), default="table", metavar="格式",
                   help="table 表格（默认）、json 或 csv")

    c = sub.add_parser("check", help="把部门方案与原文逐条核对", description="把部门方案与原文逐条核对")
    c.add_argument("file", type=Path, metavar="文件", help="部门方案（txt、docx 或 pdf）")
    c.add_argument("--against", metavar="文件编号",
                   help="对照哪份文件核对：文件编号，或 all 表示全部文件（默认：最基层一级的文件，即市规划）")
    _json_flag(c)

    br = sub.add_parser("brief", help="生成一个主题的简报材料", description="生成一个主题的简报材料")
    br.add_argument("--topic", type=topic, required=True, metavar="主题", help="例如 蓝天保卫战")
    br.add_argument("--year", type=year, metavar="年份", help="例如 2027")
    br.add_argument("--out", type=out_file, required=True, metavar="文件", help="输出文件：.docx、.md 或 .pptx")
    br.add_argument("--doc", metavar="文件编号", help="文件编号，或 all 表示全部文件（默认：最基层一级的文件，即市规划）")

    cp = sub.add_parser("compare", help="对标：市级目标与国家、省级目标对照", description="对标：市级目标与国家、省级目标对照")
    cp.add_argument("--indicator", default="", metavar="指标", help="只看这一指标，例如 细颗粒物")
    _json_flag(cp)

    e = sub.add_parser("eval", help="在标准问题集上评估检索与回答", description="在标准问题集上评估检索与回答")
    e.add_argument("file", nargs="?", type=Path, default=Path("eval/questions.jsonl"), metavar="问题集",
                   help="问题集文件（默认 eval/questions.jsonl）")
    _json_flag(e)
    e.add_argument("--markdown", action="store_true", help="输出 README 用的汇总表")
    e.add_argument("-k", type=top_k, default=None, metavar="条数", help="每个回答参考的段落数（默认取设置 top_k）")

    tr = sub.add_parser("train", help="用问题集重新训练答案选择模型（eval/）", description="用问题集重新训练答案选择模型")
    tr.add_argument("sets", nargs="*", type=Path, metavar="问题集",
                    help="问题集（默认：eval/ 下的标准问题集、各开发问题集和 eval/blind/tuned.txt 列出的已读盲测集）；未读的盲测集不能用")
    tr.add_argument("--out", type=Path, default=None, metavar="文件", help="模型文件（默认：包内的 kb/select/selector.json）")
    tr.add_argument("--limit", type=int, default=0, metavar="条数", help="每个问题集只用前 N 题（快速检查）")
    _json_flag(tr)
    return p
