"""The CLI's tool commands: 目标指标 (`kb targets`), 核对 (`kb check`), 简报 (`kb brief`) and
对标 (`kb compare`); each prints what its tool returns, in Chinese. Called by kb.cli.main."""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys

from kb.errors import BadInput, os_reason
from kb.labels import TARGET_FIELDS, comparator_word


def print_json(obj: object) -> None:
    print(json.dumps(obj, ensure_ascii=False, indent=1))


def cmd_targets(args: argparse.Namespace, kb) -> int:
    facts = kb.targets(year=args.year, topic=args.topic)
    cols = ("indicator", "comparator", "value", "unit", "year", "scope", "section", "quote", "doc_id", "start", "end")
    rows = [{c: (f.section if c == "section" else getattr(f, c)) for c in cols} for f in facts]
    if args.format == "json":
        print_json(rows)
    elif args.format == "csv":
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow([TARGET_FIELDS[c] for c in cols])  # the JSON keys, in Chinese
        w.writerows([[r[c] for c in cols] for r in rows])
        sys.stdout.write(buf.getvalue())
    else:
        from rich.console import Console
        from rich.table import Table

        table = Table(title=f"目标指标（{len(rows)}条）")
        for c, name in (("indicator", "指标"), ("comparator", "比较"), ("value", "数值"), ("unit", "单位"),
                        ("year", "年份"), ("section", "章节")):
            table.add_column(name, overflow="fold")
        for r in rows:
            table.add_row(r["indicator"], comparator_word(r["comparator"]), r["value"], r["unit"], str(r["year"] or ""),
                          r["section"].split(" › ")[-1][:30])
        Console().print(table)
    return 0


def cmd_check(args: argparse.Namespace, kb) -> int:
    from kb.crosscheck import check_file, findings_json

    findings = check_file(kb, args.file, args.against)
    if args.json:
        print_json(findings_json(findings))
    else:
        labels = {"consistent": "一致", "conflict": "冲突", "not_found": "未找到"}
        for f in findings:
            print(f"[{labels.get(f.verdict, f.verdict)}] {f.statement}")
            print(f"    指标：{f.indicator or '—'}；部门方案：{f.plan_value or '—'}；来源：{f.source_value or '—'}"
                  + (f"（《{f.citation.title}》）" if f.citation else ""))
            if f.difference:
                print(f"    差异：{f.difference}")
            if f.citation:
                print(f"    原文：{f.citation.section} “{f.citation.quote}”")
    return 0


def cmd_brief(args: argparse.Namespace, kb) -> int:
    from kb.brief_render import write_brief

    try:
        path = write_brief(kb, args.topic, args.year, args.out, args.doc)
    except OSError as e:
        raise BadInput(f"无法写入 {args.out}（{os_reason(e)}）", "换一个可写的位置") from e
    print(f"简报已写入 {path}")
    return 0


def cmd_compare(args: argparse.Namespace, kb) -> int:
    from kb.compare import LEVEL_NAMES, compare, rows_json

    rows = compare(kb, args.indicator)
    if args.json:
        print_json(rows_json(rows))
        return 0
    labels = {"stricter": "严于上级", "looser": "宽于上级", "same": "与上级相同", "not_comparable": "不可比"}
    for r in rows:
        print(f"【{r.indicator}】{labels[r.verdict]}：{r.reason}")
        for e in r.entries:
            print(f"    {LEVEL_NAMES.get(e.level, e.level)}｜{e.citation.title}｜{e.year or '—'}｜{e.scope or '—'}｜"
                  f"{e.citation.section}「{e.citation.quote}」")
    if not rows:
        print("没有市级规划与上级文件都提出的指标")
    return 0
