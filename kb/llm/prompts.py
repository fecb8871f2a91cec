"""What the model is asked, and the JSON schemas that bound its replies (maxLength, maxItems,
and enums of the passage and sentence numbers it may name)."""

from __future__ import annotations

from dataclasses import dataclass

REWRITE_MAX_TERMS = 3
REWRITE_TERM_CHARS = 24
ANSWER_MAX_CHARS = 240  # the caps; read_schema tightens them to what llm_max_tokens can hold
QUOTE_MAX_CHARS = 200
MAX_QUOTES = 4
# A reply's cost in tokens, counted high (a Chinese character is ≈ 0.8 token for Gemma, ≈ 0.7 for
# Qwen; here 1): the compact JSON around the values, and around each quote (keys, passage, sentence).
JSON_TOKENS = 12
QUOTE_TOKENS = 16


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
                                      f"给出至多{REWRITE_MAX_TERMS}个简短的检索词组，不要回答问题。只输出一行紧凑的 JSON。"},
        {"role": "user", "content": "问题：附近借书方便吗？"},  # a made-up worked example, as for reading
        {"role": "assistant", "content": '{"terms":["社区图书馆覆盖率","图书馆建设"]}'},
        {"role": "user", "content": f"问题：{question}"},
    ]


def rewrite_schema() -> dict:
    return {"type": "object", "additionalProperties": False, "required": ["terms"],
            "properties": {"terms": {"type": "array", "maxItems": REWRITE_MAX_TERMS,
                                     "items": {"type": "string", "minLength": 2, "maxLength": REWRITE_TERM_CHARS}}}}


# One worked example before the question (a prefix the server caches across questions): it shows
# the reply's shape, compact, with a verbatim quote. Small models otherwise fill the whitespace
# that JSON allows and run into the token limit (measured with Gemma 3 270M: every reply cut off).
# The example is made up (a topic the corpus and the question sets do not have).
_EXAMPLE_PASSAGES = ("【段落1】《示例市阅读规划》\n  (1.1) 到2030年，示例市社区图书馆覆盖率达到90%以上。\n"
                     "  (1.2) 市文化局负责图书馆建设。")
_EXAMPLE_QUESTION = "社区图书馆要覆盖多少？"
_EXAMPLE_REPLY = ('{"quotes":[{"passage":1,"sentence":1,"quote":"到2030年，示例市社区图书馆覆盖率达到90%以上"}],'
                  '"answer":"到2030年，社区图书馆覆盖率达到90%以上[1]。"}')


def read_messages(question: str, reading: Reading) -> list[dict]:
    lines = []
    for p, title in enumerate(reading.titles, 1):
        lines.append(f"【段落{p}】《{title}》")
        lines.extend(f"  ({p}.{s.sentence}) {s.text}" for s in reading.sentences if s.passage == p)
    rules = ("只根据下面的段落回答，不要用段落以外的知识。"
             "quotes 列出回答所依据的句子：passage 是段落号，sentence 是句子号，quote 是从该句中逐字照抄的一段原文。"
             "answer 用一两句话回答，每句话末尾用 [1]、[2] 标注它依据 quotes 中的第几条；"
             "答案中的每个数字都必须出现在所引的原文中。段落里没有答案时，quotes 为空，answer 写“段落中没有答案”。"
             "只输出一行紧凑的 JSON。")
    return [{"role": "system", "content": "你是严谨的政策文件问答助手。" + rules},
            {"role": "user", "content": f"{_EXAMPLE_PASSAGES}\n\n问题：{_EXAMPLE_QUESTION}"},
            {"role": "assistant", "content": _EXAMPLE_REPLY},
            {"role": "user", "content": "\n".join(lines) + f"\n\n问题：{question}"}]


def reply_bounds(max_tokens: int) -> tuple[int, int, int]:
    """(quotes, characters a quote, characters of the answer) that a reply of at most max_tokens
    tokens can hold whole: a schema that allows more lets the model run into the token limit and
    its JSON is cut off (a wasted call). 300 tokens → (2, 80, 96); 64 → (1, 19, 17); ≥ 1200 → the caps."""
    room = max(max_tokens - JSON_TOKENS, 0)
    quotes = min(max(room // 120, 1), MAX_QUOTES)
    answer = min(max(room // 3, 8), ANSWER_MAX_CHARS)
    quote = min(max((room - answer) // quotes - QUOTE_TOKENS, 8), QUOTE_MAX_CHARS)
    return quotes, quote, answer


def read_schema(reading: Reading, max_tokens: int = 300) -> dict:
    passages = sorted({s.passage for s in reading.sentences}) or [1]
    sentences = sorted({s.sentence for s in reading.sentences}) or [1]
    max_quotes, quote_chars, answer_chars = reply_bounds(max_tokens)
    quote = {"type": "object", "additionalProperties": False, "required": ["passage", "sentence", "quote"],
             "properties": {"passage": {"type": "integer", "enum": passages},
                            "sentence": {"type": "integer", "enum": sentences},
                            "quote": {"type": "string", "minLength": 1, "maxLength": quote_chars}}}
    return {"type": "object", "additionalProperties": False, "required": ["quotes", "answer"],
            "properties": {"quotes": {"type": "array", "maxItems": max_quotes, "items": quote},
                           "answer": {"type": "string", "maxLength": answer_chars}}}
