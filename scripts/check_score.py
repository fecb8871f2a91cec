"""Score `kb check` on department plans written blind against their writer's answer key (#19).

    python scripts/check_score.py KEY.jsonl PLAN_DIR [--formats txt,docx,pdf] [--json]

KEY.jsonl: one {"plan": "a", "statement": "<exact words of the plan>", "kind", "expected":
"consistent|conflict|not_found|none", "why"} a line; the plan of key "a" is PLAN_DIR/*_plan_a.txt.
For every format the .txt is converted (docx by python-docx, pdf by LibreOffice from the docx) and
checked; a key statement is matched to the finding whose statement contains it (or is contained
in it). Reported: verdicts right out of all statements, conflict false alarms (a conflict where the
key says consistent / not_found / none), findings for `none` statements, and whether every format
gives the same verdicts."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]


def _to_docx(txt: Path, out: Path) -> Path:
    import docx

    d = docx.Document()
    for line in txt.read_text(encoding="utf-8").splitlines():
        d.add_paragraph(line)
    d.save(out)
    return out


def _to_pdf(docx_path: Path, outdir: Path) -> Path:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        sys.exit("需要 LibreOffice（soffice）把 docx 转成 pdf")
    subprocess.run([soffice, "--headless", "--convert-to", "pdf", "--outdir", str(outdir), str(docx_path)],
                   check=True, capture_output=True, timeout=300)
    return outdir / (docx_path.stem + ".pdf")


def _check(path: Path) -> list[dict]:
    kb = os.environ.get("KB_BIN", str(ROOT / ".venv" / "bin" / "kb")).split()
    proc = subprocess.run([*kb, "check", str(path), "--json"], capture_output=True, text=True, cwd=ROOT, check=False)
    if proc.returncode != 0:
        sys.exit(f"kb check {path.name} → exit {proc.returncode}: {proc.stderr.strip()}")
    return json.loads(proc.stdout)["findings"]


def _squash(s: str) -> str:
    return "".join(s.split()).rstrip("。；，")


def _match(statement: str, findings: list[dict]) -> list[dict]:
    """The findings of the sentence holding the key statement; when the key statement is one clause of
    a sentence with several claims, only the findings whose indicator (or task) stands in that clause."""
    key = _squash(statement)
    found = [f for f in findings if key in _squash(f["statement"]) or _squash(f["statement"]) in key]
    own = [f for f in found if (ind := _squash(f.get("indicator") or "")) and ind in key]
    return own or found


def _verdict(found: list[dict]) -> str:
    verdicts = {f["verdict"] for f in found}
    for v in ("conflict", "consistent", "not_found"):
        if v in verdicts:
            return v
    return "none"


def score(key: list[dict], findings: dict[str, list[dict]]) -> dict:
    rows, right, alarms = [], 0, 0
    for k in key:
        found = _match(k["statement"], findings[k["plan"]])
        got = _verdict(found)
        ok = got == k["expected"]
        right += ok
        alarms += got == "conflict" and k["expected"] != "conflict"
        rows.append({"plan": k["plan"], "statement": k["statement"], "kind": k.get("kind", ""),
                     "expected": k["expected"], "got": got, "ok": ok,
                     "difference": "；".join(f.get("difference", "") for f in found if f.get("difference"))})
    return {"right": right, "total": len(key), "conflict_false_alarms": alarms, "rows": rows}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("key", type=Path)
    ap.add_argument("plans", type=Path)
    ap.add_argument("--formats", default="txt,docx,pdf")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    key = _jsonl(a.key)
    plans = {k["plan"] for k in key}
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for fmt in a.formats.split(","):
            findings = {}
            for p in sorted(plans):
                txt = next(a.plans.glob(f"*_plan_{p}.txt"))
                path = txt
                if fmt in ("docx", "pdf"):
                    path = _to_docx(txt, Path(tmp) / f"{txt.stem}.docx")
                if fmt == "pdf":
                    path = _to_pdf(path, Path(tmp))
                findings[p] = _check(path)
            results[fmt] = score(key, findings)
    first = next(iter(results.values()))
    same = all([r["got"] for r in res["rows"]] == [r["got"] for r in first["rows"]] for res in results.values())
    if a.json:
        print(json.dumps({"formats": results, "same_across_formats": same}, ensure_ascii=False, indent=1))
        return
    for fmt, res in results.items():
        print(f"{fmt}: 判定正确 {res['right']}/{res['total']}，冲突误报 {res['conflict_false_alarms']}")
    print("各格式结果一致" if same else "各格式结果不一致")
    for r in first["rows"]:
        if not r["ok"]:
            print(f"  ✗ [{r['plan']}] {r['kind']} 期望 {r['expected']} 得到 {r['got']}：{r['statement']}  {r['difference']}")


if __name__ == "__main__":
    main()
