"""What the model is asked, and the JSON schemas that bound its replies (maxLength, maxItems,
and enums of the passage and sentence numbers it may name)."""

from __future__ import annotations

from dataclasses import dataclass

REWRITE_MAX_TERMS = 3
REWRITE_TERM_CHARS = 24
ANSWER_MAX_CHARS = 240
QUOTE_MAX_CHARS = 200
MAX_QUOTES = 4


@dataclass(frozen=True)
class NumberedSentence:
    """One sentence of a passage shown to the model: passage p, sentence s, its document span."""

    passage: int
    sentence: int
    doc_id: str
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Reading:
    """The passages shown to the model, numbered, with the document each comes from."""

    sentences: tuple[NumberedSentence, ...]
    titles: tuple[str, ...]  # title of passage 1, 2, …

    def find(self, passage: int, sentence: int) -> NumberedSentence | None:
        return next((s for s in self.sentences if s.passage == passage and s.sentence == sentence), None)


def rewrite_messages(question: str) -> list[dict]:
    return [
        {"role": "system", "content": "你是政策文件检索助手。把用户的口语问题改写成政策文件里会用的正式词语，"
                                      f"给出至多{REWRITE_MAX_TERMS}个简短的检索词组，不要回答问题。只输出 JSON。"},
        {"role": "user", "content": f"问题：{question}"},
    ]


def rewrite_schema() -> dict:
    return {"type": "object", "additionalProperties": False, "required": ["terms"],
            "properties": {"terms": {"type": "array", "maxItems": REWRITE_MAX_TERMS,
                                     "items": {"type": "string", "minLength": 2, "maxLength": REWRITE_TERM_CHARS}}}}


def read_messages(question: str, reading: Reading) -> list[dict]:
    lines = []
    for p, title in enumerate(reading.titles, 1):
        lines.append(f"【段落{p}】《{title}》")
        lines.extend(f"  ({p}.{s.sentence}) {s.text}" for s in reading.sentences if s.passage == p)
    rules = ("只根据下面的段落回答，不要用段落以外的知识。"
             "quotes 列出回答所依据的句子：passage 是段落号，sentence 是句子号，quote 是从该句中逐字照抄的一段原文。"
             "answer 用一两句话回答，每句话末尾用 [1]、[2] 标注它依据 quotes 中的第几条；"
             "答案中的每个数字都必须出现在所引的原文中。段落里没有答案时，quotes 为空，answer 写“段落中没有答案”。只输出 JSON。")
    return [{"role": "system", "content": "你是严谨的政策文件问答助手。" + rules},
            {"role": "user", "content": "\n".join(lines) + f"\n\n问题：{question}"}]


def read_schema(reading: Reading) -> dict:
    passages = sorted({s.passage for s in reading.sentences}) or [1]
    sentences = sorted({s.sentence for s in reading.sentences}) or [1]
    quote = {"type": "object", "additionalProperties": False, "required": ["passage", "sentence", "quote"],
             "properties": {"passage": {"type": "integer", "enum": passages},
                            "sentence": {"type": "integer", "enum": sentences},
                            "quote": {"type": "string", "minLength": 1, "maxLength": QUOTE_MAX_CHARS}}}
    return {"type": "object", "additionalProperties": False, "required": ["quotes", "answer"],
            "properties": {"quotes": {"type": "array", "maxItems": MAX_QUOTES, "items": quote},
                           "answer": {"type": "string", "maxLength": ANSWER_MAX_CHARS}}}
