"""The `kb` command. Thin: parse, call the library, print. Exit 0 ok, 2 bad input, 1 internal error."""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from kb.cli_parser import LEVELS, build_parser, zh_argparse  # noqa: F401 - re-exported
from kb.cli_tools import cmd_brief, cmd_check, cmd_compare, cmd_targets
from kb.cli_tools import print_json as _print_json
from kb.config import Settings, load_settings
from kb.errors import BadInput, KBError
from kb.labels import ANSWERED_BY, completeness_label, level_label


def check_argv(argv: Sequence[str]) -> None:
    """Every argument must be text: invalid UTF-8 (surrogates) is refused up front (control
    characters in a question are dropped by understanding; in a topic they are refused)."""
    for arg in argv:
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:
            raise BadInput("命令行参数含有无效的 UTF-8 字符", "请用 UTF-8 编码的文字重新输入") from None


def cmd_build(args: argparse.Namespace, settings: Settings) -> int:
    from kb.index import build_index
    from kb.report import format_reports

    def step(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    result = build_index(settings, progress=None, force=args.force, on_step=step)
    if not args.quiet:
        print(format_reports(result.reports))
    if result.up_to_date:
        print(f"索引已是最新，无需重建：{result.chunks} 段（{result.vectors} 句向量），{result.facts} 条事实，"
              f"用时 {result.seconds:.1f} 秒 → {result.folder}")
    else:
        print(f"索引已建成：{result.chunks} 段（{result.vectors} 句向量），{result.facts} 条事实，"
              f"新算句向量 {result.embedded} 句，复用 {result.reused} 句，用时 {result.seconds:.1f} 秒 → {result.folder}")
    return 0


def cmd_migrate(args: argparse.Namespace, settings: Settings) -> int:
    from kb.pg.migrate import migrate

    result = migrate(settings, args.to, step=lambda line: print(line, file=sys.stderr, flush=True))
    print(f"已迁移：{result.chunks} 段（{result.vectors} 句向量），{result.facts} 条事实，"
          f"用时 {result.seconds:.1f} 秒 → {result.folder}")
    return 0


def cmd_docs(args: argparse.Namespace, kb) -> int:
    rows = [{"doc_id": d.doc_id, "title": d.meta.title, "level": d.meta.level, "completeness": d.meta.completeness,
             "characters": len(d.text)} for d in kb.documents()]
    if args.json:
        _print_json(rows)
    else:
        for r in rows:
            print(f"{r['doc_id']}\t{r['title']}\t{level_label(r['level'])}\t{completeness_label(r['completeness'])}"
                  f"\t{r['characters']}字")
        for m in kb.index.known_missing:  # the note says why it is missing; the label says that it is
            note = str(m.get("note", "")).strip()
            print(f"（语料库中没有）\t{m.get('title')}\t{level_label(str(m.get('level', '')))}" + (f"\t{note}" if note else ""))
    return 0


def cmd_doc(args: argparse.Namespace, kb) -> int:
    d = kb.document(args.doc_id)
    obj = {"doc_id": d.doc_id, "title": d.meta.title, "issuer": d.meta.issuer, "doc_number": d.meta.doc_number,
           "date": d.meta.date, "level": d.meta.level, "completeness": d.meta.completeness, "text": d.text,
           "sections": [{"path": list(s.path), "kind": s.kind, "start": s.start, "end": s.end} for s in d.sections]}
    if args.json:
        _print_json(obj)
    else:
        print(f"{d.meta.title}（{d.meta.issuer} {d.meta.date} {d.meta.doc_number}）\n{d.text}")
    return 0


def cmd_search(args: argparse.Namespace, kb) -> int:
    hits = kb.search(args.query, k=args.k, mode=args.mode)
    rows = [{"rank": i + 1, "score": round(h.score, 4), "retrievers": list(h.retrievers), "doc_id": h.chunk.doc_id,
             "section": h.chunk.section, "start": h.chunk.start, "end": h.chunk.end, "text": h.chunk.text}
            for i, h in enumerate(hits)]
    if args.json:
        _print_json(rows)
    else:
        for r in rows:
            print(f"{r['rank']}. [{r['score']:.4f} {'+'.join(r['retrievers'])}] {r['section']}\n   {r['text']}")
    return 0


def _answer_json(ans) -> dict:
    return {
        "question": ans.question, "status": ans.status, "confidence": ans.confidence, "answer": ans.answer,
        "answered_by": ans.answered_by,
        "citations": [dataclasses.asdict(c) for c in ans.citations],
        "facts": [{k: v for k, v in dataclasses.asdict(f).items() if k not in ("extra",)} for f in ans.facts],
        "related": [dataclasses.asdict(c) for c in ans.related],
    }


def _print_answer(ans) -> None:
    if ans.status == "related":  # shown, not asserted: the reader checks the source
        print(f"【请核对原文】以下是最相关的原文，不作为答案（置信度 {ans.confidence:.2f}）：")
    elif ans.status == "answered":
        print(f"【已回答】置信度 {ans.confidence:.2f}")
    print(ans.answer)
    print(f"（回答方式：{ANSWERED_BY[ans.answered_by]}）")
    if ans.citations:
        print("\n出处：")
    for c in ans.citations:
        print(f"[{c.n}] {c.title} › {c.section}\n    “{c.quote}”")
    if ans.related:
        print("\n相关段落（仅供参考，并非答案）：")
        for c in ans.related:
            print(f"- {c.title} › {c.section}\n    “{c.quote}”")


def cmd_ask(args: argparse.Namespace, kb) -> int:
    from kb.retrieve import Filters

    if args.doc:
        kb.document(args.doc)  # an unknown or malformed id is bad input, not an empty answer
    filters = Filters(doc_id=args.doc, level=args.level)
    if args.batch:
        stream = sys.stdin if str(args.batch) == "-" else None
        if stream is None and not args.batch.is_file():
            raise BadInput(f"问题文件不存在：{args.batch}", "给出一个每行一个问题的文本文件")
        if stream is not None:
            lines = stream.read().splitlines()
        else:
            from kb.readers import decode_text  # UTF-8, GBK/GB18030, UTF-16: read as written, never garbled

            lines = decode_text(args.batch.read_bytes(), args.batch.name).splitlines()
        for line in lines:  # one JSON object per input line, blank lines included (status "error")
            try:
                obj = _ask_json(kb, line, args, filters)
            except BadInput as e:
                obj = {"question": line[:200], "status": "error", "error": e.one_line()}
            print(json.dumps(obj, ensure_ascii=False))
        return 0
    if args.question is None:
        raise BadInput("没有给出问题", '用法：kb ask "问题" 或 kb ask --batch 文件')
    if args.json:
        _print_json(_ask_json(kb, args.question, args, filters))
    elif args.explain:
        from kb.answer import format_explain

        ans, explain = kb.ask_explained(args.question, k=args.k, filters=filters)
        _print_answer(ans)
        print("\n" + format_explain(explain))
    else:
        _print_answer(kb.ask(args.question, k=args.k, filters=filters))
    return 0


def _ask_json(kb, question: str, args: argparse.Namespace, filters) -> dict:
    if not args.explain:
        return _answer_json(kb.ask(question, k=args.k, filters=filters))
    ans, explain = kb.ask_explained(question, k=args.k, filters=filters)
    return {**_answer_json(ans), "explain": explain.to_dict()}


def cmd_eval(args: argparse.Namespace, kb) -> int:
    from kb.evaluate import evaluate, format_markdown, format_metrics

    metrics = evaluate(kb, args.file, k=args.k)
    if args.json:
        _print_json(metrics)
    elif args.markdown:
        print(format_markdown(metrics))
    else:
        print(format_metrics(metrics))
    return 0


def cmd_train(args: argparse.Namespace, kb) -> int:
    from kb.select.sets import check_trainable, eval_sets
    from kb.select.train import format_report, train

    sets = args.sets or eval_sets(Path.cwd())
    for path in sets:
        check_trainable(path, Path.cwd())
    data = train(kb, sets, args.out, max(0, args.limit))
    if args.json:
        _print_json(data)
    else:
        print(format_report(data))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    try:
        check_argv(sys.argv[1:] if argv is None else argv)
        args = build_parser().parse_args(argv)
        if args.command is None:
            build_parser().print_help()
            return 0
        settings = load_settings(corpus=args.corpus, index=args.index)
        if getattr(args, "k", 0) is None:
            args.k = settings.top_k
        if args.command == "build":
            from kb.embed import use_all_cores_for_build

            use_all_cores_for_build()
            return cmd_build(args, settings)
        if args.command == "migrate":
            return cmd_migrate(args, settings)
        from kb.api import KnowledgeBase

        kb = KnowledgeBase(settings)
        if kb.index.stale_notice:  # answers still come from the last good index; say so on stderr
            print(kb.index.stale_notice, file=sys.stderr)
        return {"docs": cmd_docs, "doc": cmd_doc, "search": cmd_search, "ask": cmd_ask, "targets": cmd_targets,
                "check": cmd_check, "brief": cmd_brief, "compare": cmd_compare, "eval": cmd_eval,
                "train": cmd_train}[args.command](args, kb)
    except KBError as e:
        print(f"错误：{e.one_line()}", file=sys.stderr)
        return e.exit_code
    except SystemExit as e:  # --help and --version print and exit; the library never does
        return e.code if isinstance(e.code, int) else 0
    except KeyboardInterrupt:
        print("已中断", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as e:
        if os.environ.get("KB_DEBUG"):
            raise
        print(f"内部错误：{type(e).__name__}: {e}（设置 KB_DEBUG=1 可查看详细信息）", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
