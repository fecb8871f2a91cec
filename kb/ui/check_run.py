"""核对's work without the UI: read the plan (pasted or uploaded), check it with bounded cost
(kb/plan_check.py) and write the exports. Run in the app's worker process (kb/ui/check_worker.py)
or in place (run_check, the tests)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from kb.crosscheck import read_plan
from kb.errors import BadInput
from kb.ingest import clean_lines
from kb.plan_check import CheckResult, limit_plan_text, run_plan_check
from kb.ui.check_export import write_docx, write_xlsx
from kb.ui.exports import request_dir

log = logging.getLogger("kb.app")
MAX_PASTE_CHARS = 100_000


# reading the plan ----------------------------------------------------------------------------
def plan_from_inputs(kb, text: str | None, upload: str | Path | None) -> tuple[str, str]:
    """(normalized plan text, where it came from). An upload wins over pasted text; bad input → BadInput."""
    max_mb = kb.settings.max_upload_mb
    if upload:
        path = Path(upload)
        name = path.name
        limit = int(max_mb * 1024 * 1024)
        try:
            with path.open("rb") as fh:
                data = fh.read(limit + 1)  # one byte more than allowed: read_plan then says "too large"
        except (OSError, ValueError) as e:
            raise BadInput(f"{name}: 上传的文件无法读取", "请重新上传") from e
        return limit_plan_text(read_plan(data, name, max_mb), name), f"上传文件：{name}"
    text = text or ""
    if not text.strip():
        raise BadInput("没有要核对的内容", "请粘贴部门方案的文字，或上传 txt、docx、pdf 文件")
    if len(text) > MAX_PASTE_CHARS:
        raise BadInput(f"粘贴的文字过长（{len(text)} 字）", f"最多 {MAX_PASTE_CHARS} 字；更长的方案请上传文件")
    plan, _ = clean_lines(text)
    limit_plan_text(plan, "粘贴的文字")
    if not plan.strip():
        raise BadInput("没有可核对的文字", "请检查粘贴的内容")
    return plan, "粘贴的文字"



# running -------------------------------------------------------------------------------------
def _exports(result: CheckResult, source: str, folder: Path | None = None) -> tuple[str | None, str | None]:
    folder = folder or request_dir("check")
    try:
        xlsx = write_xlsx(result.findings, folder / "部门方案核对结果.xlsx", source, result.note)
        docx_path = write_docx(result.findings, folder / "部门方案核对结果.docx", source, result.note)
    except Exception:
        log.exception("check export failed")
        return None, None
    return str(xlsx), str(docx_path)


def check_plan(kb, text: str | None, upload, cancel=None, progress: Callable[[str], None] | None = None,
               folder: Path | None = None) -> tuple[CheckResult, str, str | None, str | None]:
    """Read, check and export (into ``folder``, else a new request folder) → (result, source, xlsx,
    docx); bad input → BadInput, 取消 (``cancel`` set: a threading or multiprocessing Event) →
    CheckCancelled."""
    if upload is not None and not isinstance(upload, str | Path):
        raise BadInput("上传的文件无效", "请通过页面重新上传 txt、docx 或 pdf 文件")
    if progress:
        progress("正在读取方案…")
    plan, source = plan_from_inputs(kb, text, upload)

    def report(done: float, n: int) -> None:
        if progress:
            progress(f"正在核对…已完成约 {100 * done:.0f}%，找到 {n} 条目标或期限表述")

    result = run_plan_check(kb, plan, cancel=cancel, progress=report)
    if not result.findings:
        return result, source, None, None
    if progress:
        progress(f"正在生成导出文件（{len(result.findings)} 条）…")
    xlsx, docx_path = _exports(result, source, folder)
    return result, source, xlsx, docx_path
