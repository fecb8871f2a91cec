"""The OpenAI-compatible client: one chat call that must come back as JSON of a given schema,
inside a time budget, or raise LLMFailure with the reason in Chinese.

The `openai` package is imported here only, and this module only when the model is on
(kb.api imports kb.llm lazily), so answering without a model never loads it. Every failure —
a refused connection, a timeout, an HTTP error, a reply that is not JSON — becomes LLMFailure;
the caller then keeps the extractive answer. The budget is a hard wall: the request runs in a
daemon thread and is abandoned when the budget is spent, whatever the server does."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass

from kb.config import Settings


class LLMFailure(Exception):
    """The model gave no usable reply; the message says why, in Chinese, and ``kind`` what kind of
    failure it was: timeout (the budget ran out), endpoint (an HTTP error), reply (not the JSON
    asked for, or cut off at llm_max_tokens), unreachable (LLMUnreachable)."""

    def __init__(self, message: str, kind: str = "reply") -> None:
        super().__init__(message)
        self.kind = kind


class LLMUnreachable(LLMFailure):
    """The endpoint refused the connection or does not resolve: no later call can do better."""

    def __init__(self, message: str) -> None:
        super().__init__(message, "unreachable")


@dataclass(frozen=True)
class Budget:
    """One question's time for the model: every call gets what is left of it."""

    deadline: float  # time.monotonic() after which nothing more is asked

    @classmethod
    def of(cls, seconds: float) -> Budget:
        return cls(time.monotonic() + seconds)

    def left(self) -> float:
        return self.deadline - time.monotonic()


class LLMClient:
    def __init__(self, settings: Settings) -> None:
        from openai import OpenAI  # lazy: only with a model configured

        self.settings = settings
        self.model = settings.llm_model
        # max_retries=0: a retry would spend the budget twice; the extractive answer is the retry
        self._client = OpenAI(base_url=settings.llm_base_url.rstrip("/"), api_key=settings.llm_api_key or "none",
                              timeout=settings.llm_timeout, max_retries=0)

    def chat_json(self, messages: list[dict], schema: dict, name: str, budget: Budget,
                  max_tokens: int | None = None) -> dict:
        """The model's reply parsed as a JSON object (response_format json_schema), or LLMFailure."""
        left = budget.left()
        if left <= 0.05:
            raise LLMFailure("模型的时间预算已用完", "timeout")
        kwargs = {"model": self.model, "messages": messages, "temperature": 0,
                  "max_tokens": min(max_tokens or self.settings.llm_max_tokens, self.settings.llm_max_tokens),
                  "response_format": {"type": "json_schema",
                                      "json_schema": {"name": name, "strict": True, "schema": schema}}}
        box: dict = {}

        def call() -> None:
            try:
                box["reply"] = self._client.with_options(timeout=left).chat.completions.create(**kwargs)
            except Exception as e:  # noqa: BLE001 - handed to the waiting thread, which names it
                box["error"] = e

        worker = threading.Thread(target=call, name="kb-llm", daemon=True)
        worker.start()
        worker.join(left)
        if worker.is_alive():
            raise LLMFailure(f"模型在 {self.settings.llm_timeout:g} 秒的时间预算内没有答复", "timeout")
        if "error" in box:
            import openai

            err = box["error"]
            if isinstance(err, openai.APITimeoutError):
                raise LLMFailure(_reason(err), "timeout") from err
            if isinstance(err, openai.APIConnectionError):
                raise LLMUnreachable(_reason(err)) from err
            raise LLMFailure(_reason(err), "endpoint") from err
        return _parse(box["reply"])


def _parse(reply) -> dict:
    try:
        choice = reply.choices[0]
        text = choice.message.content or ""
    except (AttributeError, IndexError, TypeError):
        raise LLMFailure("模型的答复格式不对（没有 choices）") from None
    if getattr(choice, "finish_reason", "") == "length":
        raise LLMFailure("模型的答复超出了字数上限（llm_max_tokens），JSON 不完整")
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, TypeError):
        raise LLMFailure("模型的答复不是有效的 JSON") from None
    if not isinstance(data, dict):
        raise LLMFailure("模型的答复不是 JSON 对象")
    return data


def _reason(e: BaseException) -> str:
    """What went wrong, in Chinese, by the kind of error (never the library's English text)."""
    import openai

    if isinstance(e, openai.APITimeoutError):
        return "模型超时没有答复"
    if isinstance(e, openai.APIConnectionError):
        return "连不上模型端点（llm_base_url）"
    if isinstance(e, openai.AuthenticationError):
        return "模型端点拒绝了密钥（llm_api_key）"
    if isinstance(e, openai.NotFoundError):
        return "模型端点没有这个模型或地址（llm_model / llm_base_url）"
    if isinstance(e, openai.APIStatusError):
        return f"模型端点返回 HTTP {e.status_code} 错误"
    if isinstance(e, openai.APIResponseValidationError):
        return "模型端点的答复格式不对"
    return f"调用模型出错（{type(e).__name__}）"
