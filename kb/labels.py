"""The Chinese words a user reads for the project's codes: document level and completeness, a
target's comparator, and the column names of the targets table. One place, shared by the CLI, the
app and the exports, so every surface says the same thing."""

from __future__ import annotations

LEVEL_LABELS = {"national": "国家", "provincial": "省级", "municipal": "市级", "department": "部门",
                "unknown": "未标明"}
COMPLETENESS_LABELS = {"full": "完整", "partial": "不完整", "unknown": "未标明"}
# the 简报 words: a table row reads 指标 · 以上 · 90 · %, never a bare ≥ or =
COMPARATOR_WORDS = {"≥": "以上", "≤": "以下", "=": "达到", "左右": "左右", "+": "提高", "−": "减少"}
# `kb targets --format csv` and the 目标指标 exports: the JSON keys (kept in --format json) in Chinese
TARGET_FIELDS = {"indicator": "指标", "comparator": "比较", "value": "数值", "unit": "单位", "year": "年份",
                 "scope": "范围", "section": "章节", "quote": "原文", "doc_id": "文件编号", "start": "起始位置",
                 "end": "结束位置"}


def level_label(level: str) -> str:
    return LEVEL_LABELS.get(level, level or "未标明")


def completeness_label(completeness: str) -> str:
    return COMPLETENESS_LABELS.get(completeness, completeness or "未标明")


def comparator_word(comparator: str) -> str:
    return COMPARATOR_WORDS.get(comparator, comparator)

# tqdm's bar in Chinese (its default says it/s and has English units)
PROGRESS_FORMAT = "{desc}：{percentage:3.0f}%|{bar}| {n_fmt}/{total_fmt} {unit}，已用 {elapsed}，约剩 {remaining}"

# Which path answered a question (`answered_by` of `kb ask --json`; kb/llm).
ANSWERED_BY = {"extractive": "规则抽取", "llm": "模型 + 原文核验"}
