"""The vocabulary of asking, as opposed to the vocabulary of the plan: words that frame a
question (什么, 多少, 处于, 提出) or are too general to say what it is about (规划, 建设, 吉林市).
Relevance scoring leaves them out of a question's key words, and the BM25 query leaves them out
so that 「处于什么状态」 does not pull in every passage that says 状态."""

from __future__ import annotations

# Words that carry no topic: they never decide relevance on their own.
GENERIC = frozenset(["规划", "吉林市", "吉林", "江城", "美丽", "建设", "目标", "要求", "工作", "问题", "方面", "内容", "情况", "相关", "具体", "主要", "哪些", "有", "啥", "多少", "什么", "时候", "多", "要", "到", "年", "占", "达到", "一下", "说说", "介绍", "咱们", "市里", "我们", "这个", "现在", "还", "能", "呢", "吗", "了"])

# Words that say what kind of answer is wanted, not what it is about.
ASKING = frozenset(["多少", "多大", "多高", "多低", "几成", "比例", "占比", "目标", "要求", "指标", "达到", "实现", "完成", "哪些", "什么", "啥", "时候", "何时", "哪年", "哪一年", "谁", "负责", "部门", "单位", "牵头", "规定", "提到", "提", "说", "讲", "包括", "具体", "内容", "怎么", "如何", "是否", "有没有", "能", "会", "需要", "应该", "主要", "重点", "一下", "方面", "问题", "情况", "里", "中", "之", "是", "的", "了", "吗", "呢", "都", "还", "要", "得", "把", "让", "给", "对", "从", "被", "按", "按照", "规划", "文件", "意见", "当前", "现在", "今后", "未来", "以后", "之前", "以前", "左右", "以上", "以下", "不低于", "不少于", "控制", "下降", "降", "提高", "到", "年", "年底", "年前", "前", "后", "期间", "阶段", "总体", "水平", "状态", "样子", "啥样", "程度", "怎样", "什么样", "安排", "打算", "办法", "措施", "哪个", "哪种", "哪几个", "哪几种", "几个", "几项", "几处", "几种", "分别", "大概", "一共",
    # how a question is framed, not what it is about (「规划提出…」「处于什么状态」「往啥方向」「哪些环节」)
    "提出", "提到过", "处于", "方向", "环节", "方式", "借助", "点名", "涉及", "包含", "有关", "关于", "针对", "都有", "怎么办", "为什么", "原因",
    # the bound or span the answer will state, not its topic (「至少得有几成」「一年当中」)
    "至少", "最少", "最多", "最低", "最高", "不超过", "不高于", "以内", "之内", "大约", "差不多", "一年", "每年", "全年", "当中",
    # colloquial placeholders for 「this area」「things」 (「监测这块」「哪几样东西」)
    "这块", "那块", "这方面", "这一块", "几样", "哪几样", "东西", "那些", "这些",
    # the asker's preamble (「想知道」「听说」「请问」) and the means asked about (「通过哪些渠道」)
    "知道", "听说", "请问", "想问", "通过",
    # 「这要求哪年落地」: when a rule takes effect, not a topic
    "落地"])


QUESTION_WORDS = GENERIC | ASKING

# 「头几年」「那几亩地」: 几 after these says "a few", it asks nothing (a regex lookbehind).
NOT_ASKING_JI = r"(?<![头前这那近后过])几"


def is_question_word(word: str) -> bool:
    """A framing word, or a compound of two (总体要求 = 总体 + 要求; 总目标 is not: 总 is no such word)."""
    if word in QUESTION_WORDS:
        return True
    return any(word[:i] in QUESTION_WORDS and word[i:] in QUESTION_WORDS for i in range(1, len(word)))
