"""The answer selector's model file (kb/select/selector.json) and its use at answer time.

The file is JSON: a format version, the feature list, boosted trees as flat arrays
(kb.select.trees), an isotonic calibration table (raw score → probability of being right,
fitted on out-of-fold predictions), the strategy names it learned, the thresholds `kb train`
chose and its leave-one-set-out report. It is read once, lazily; scoring walks the trees in
numpy, so answering imports neither LightGBM nor scikit-learn."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np

from kb.errors import SelectorModelError, os_reason
from kb.select.trees import Forest, Tree, raw_scores

FORMAT_VERSION = 2
MODEL_FILE = "selector.json"


@dataclass(frozen=True)
class SelectorModel:
    features: tuple[str, ...]
    trees: Forest
    calib_x: np.ndarray
    calib_y: np.ndarray
    strategies: frozenset[str]
    answer_min: float
    related_min: float
    report: dict

    def raw(self, rows: list[dict[str, float]]) -> np.ndarray:
        x = np.array([[r.get(name, 0.0) for name in self.features] for r in rows], dtype=float)
        return raw_scores(self.trees, x.reshape(len(rows), len(self.features)))

    def probability(self, rows: list[dict[str, float]]) -> np.ndarray:
        """The calibrated probability that each candidate is a right answer."""
        if not rows:
            return np.zeros(0)
        return calibrate(self.raw(rows), self.calib_x, self.calib_y)


def calibrate(raw: np.ndarray, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    return np.clip(np.interp(raw, xs, ys), 0.0, 1.0)


def model_path() -> Path:
    return Path(str(resources.files("kb.select").joinpath(MODEL_FILE)))


def parse_model(data: dict, base_features: tuple[str, ...]) -> SelectorModel:
    """The model from its JSON; a file of another format or feature list is refused."""
    hint = "运行 `kb train` 重新训练答案选择模型"
    if data.get("format") != FORMAT_VERSION:
        raise SelectorModelError(f"答案选择模型的格式版本是 {data.get('format')!r}，本程序需要 {FORMAT_VERSION}", hint)
    names = tuple(data.get("features", ()))
    missing = [f for f in base_features if f not in names]
    unknown = [f for f in names if f not in base_features and not f.startswith("s:")]
    if missing or unknown:
        what = f"缺少 {'、'.join(missing[:5])}" if missing else f"多出 {'、'.join(unknown[:5])}"
        raise SelectorModelError(f"答案选择模型的特征与本程序不一致（{what}）", hint)
    try:
        return SelectorModel(
            names, Forest.of(tuple(Tree.from_json(t) for t in data["trees"])), np.array(data["calibration"]["x"], float),
            np.array(data["calibration"]["y"], float), frozenset(data.get("strategies", ())),
            float(data["thresholds"]["answer"]), float(data["thresholds"]["related"]), data.get("report", {}))
    except (KeyError, TypeError, ValueError) as e:
        raise SelectorModelError(f"答案选择模型文件不完整（{e}）", hint) from e


@functools.lru_cache(maxsize=4)
def load_model(path: str = "") -> SelectorModel:
    from kb.select.features import BASE_FEATURES

    file = Path(path) if path else model_path()
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError as e:
        raise SelectorModelError(f"没有找到答案选择模型文件 {file}", "运行 `kb train` 训练答案选择模型") from e
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise SelectorModelError(f"无法读取答案选择模型文件 {file}（{os_reason(e)}）", "运行 `kb train` 重新训练答案选择模型") from e
    return parse_model(data, BASE_FEATURES)
