"""The answering stage: strategies from a registry over a typed Query, composed and guarded."""

from kb.answer.context import AnswerContext
from kb.answer.explain import Explain, format_explain
from kb.answer.indicator_guess import IndicatorGuesser
from kb.answer.pipeline import NOT_FOUND, answer_question, explain_question

__all__ = ["NOT_FOUND", "AnswerContext", "Explain", "IndicatorGuesser", "answer_question", "explain_question",
           "format_explain"]
